"""Regenerate the committed course data of group 0 and ``data/README.md``.

    uv run python -m crmlab.datasets            # data/*.csv (synthetic) + data/README.md
    uv run python -m crmlab.datasets --readme   # only data/README.md

The real data files (cdnow*, german_credit) are built once by ``data/_build_real.py``.
"""

from __future__ import annotations

import sys

from crmlab.datasets import DEFAULT_N, DEFAULT_SEED, data_dir, generate
from crmlab.datasets._readme import render_readme


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = data_dir()
    if "--readme" not in argv:
        generate(seed=DEFAULT_SEED, n_customers=DEFAULT_N, group=0, out_dir=out)
    (out / "README.md").write_bytes(render_readme().encode("utf-8"))
    print(f"已写入 {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
