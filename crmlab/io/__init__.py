"""Reading learners' own files: messy CSV / Excel exports to canonical frames.

Students and teachers bring exports from cash registers, online shops, CRM
systems and hand-made Excel sheets.  :func:`read_transactions` and
:func:`read_customers` turn such a file into the canonical frames used by the
rest of crmlab, and fail with a :class:`crmlab.CRMDataError` whose Simplified
Chinese message names the file, the column, the rows (as numbered in Excel) and
how to fix the problem.

Accepted sources (``src``)
    * a path (``str`` or :class:`pathlib.Path`) to ``.csv`` / ``.txt`` / ``.tsv``
      or ``.xlsx`` / ``.xlsm`` (old binary ``.xls`` only if ``xlrd`` is installed);
    * ``bytes`` (or a binary file object) plus ``filename=`` -- e.g. the content of
      an ``ipywidgets.FileUpload``; an upload item (the ``dict`` with ``"name"``
      and ``"content"`` keys, or the one-element ``upload.value`` tuple) is also
      accepted directly;
    * a text file object, or a ``str`` holding CSV text (it must contain a line
      break, otherwise it is taken as a path);
    * a :class:`pandas.DataFrame` (row numbers in messages are then index labels).

Text files: the encoding is detected by trying UTF-8 (with or without BOM),
UTF-16 (with BOM, Excel's "Unicode text") and GB18030 (a superset of GBK and
GB2312, what Excel on Chinese Windows writes); the separator (comma, tab,
semicolon or ``|``) is sniffed.  Title and preamble lines above the header
("2024年销售明细", the 16 lines of a WeChat Pay bill) are skipped when a later line
looks like the header; a two-row header (group labels such as 订单信息 merged over
the real column names) is combined into one; summary lines below the data (合计,
"共3笔记录", "-----") are dropped.  Column names are stripped
of spaces, full-width spaces and the BOM, and matched to canonical names through
Chinese/English aliases, ignoring case, spaces, ``_``/``-`` and a trailing unit
such as ``（元）``.  ``columns={"我的列": "amount"}`` maps a column explicitly
(explicit mappings win over aliases).

Values: amounts like ``¥1,200.00``, ``￥1,200``, ``1.2万``, `` 300 ``,
``1,200元``, full-width ``１２００``; refunds written ``-300`` or ``(300)`` are
kept **negative**.  Cells written ``="0012345"`` or with a leading tab (how shops
keep long numbers as text in Excel) are unwrapped.  Dates like ``2024-01-05``, ``2024/1/5``, ``2024年1月5日``,
``20240105``, ``2024.1.5``, ``2024-01-05 13:45:00``, ``2024/1/5 下午 1:45``, Excel serial numbers
(``45296``, 10000-99999) and real Excel date cells.  ``05/01/2024`` style dates
are read only when the column itself shows the order (a day above 12), or when
``dayfirst=`` is given; otherwise they are reported, never guessed.

Fully empty rows are dropped.  Any other row with a value that cannot be read
(or a missing required value) makes the reader raise, listing the rows; with
``errors="drop"`` those rows are dropped instead and described in
``df.attrs["crmlab_dropped"]`` (columns ``row``, ``column``, ``value``,
``reason``; only set when something was dropped -- use :func:`dropped_rows`).

Note: pandas compares ``attrs`` when concatenating, so ``pd.concat`` of two
frames that *both* carry a ``crmlab_dropped`` table fails; clear it first with
``df.attrs.pop("crmlab_dropped", None)``.

Layout: :mod:`crmlab.io._sources` reads a file into a raw table (no value parsed),
:mod:`crmlab.io._columns` maps its column names, :mod:`crmlab.io._values` parses
the cells, :mod:`crmlab.io._readers` puts it together.
"""

from __future__ import annotations

from crmlab.io._columns import CUSTOMER_ALIASES, TRANSACTION_ALIASES
from crmlab.io._common import _key as column_key  # how a header is matched to a column name
from crmlab.io._readers import dropped_rows, read_customers, read_table, read_transactions
from crmlab.io._values import parse_amounts, parse_dates

__all__ = [
    "CUSTOMER_ALIASES",
    "TRANSACTION_ALIASES",
    "column_key",
    "dropped_rows",
    "parse_amounts",
    "parse_dates",
    "read_customers",
    "read_table",
    "read_transactions",
]
