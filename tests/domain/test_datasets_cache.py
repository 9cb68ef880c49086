"""Generated companies are cached on disk: a second kernel reads group K instead of generating it again.

Runs in child processes, each a fresh kernel-like Python with its own ``CRMLAB_CACHE``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import crmlab

pytestmark = pytest.mark.slow

_DIGEST = """
import hashlib, crmlab
text = crmlab.datasets.to_csv_text(crmlab.datasets.load("orders", group=2), "orders")
print(hashlib.sha256(text.encode()).hexdigest())
"""


def _digest_in_child(cache: Path) -> str:
    env = dict(os.environ, CRMLAB_CACHE=str(cache))
    done = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_second_kernel_reads_the_cached_company_and_an_altered_file_is_not_trusted(tmp_path):
    truth = crmlab.datasets.generate(group=2)["orders"]
    expected = hashlib.sha256(crmlab.datasets.to_csv_text(truth, "orders").encode()).hexdigest()

    assert _digest_in_child(tmp_path) == expected  # generates, then writes the cache
    (folder,) = list(tmp_path.glob("companies/*/group2-*"))
    orders = folder / "orders.csv"
    assert orders.is_file() and (folder / "sha256.txt").is_file()
    assert not list(folder.parent.glob(".writing-*")), "no half-written folder is left behind"

    stamp = orders.stat().st_mtime_ns
    assert _digest_in_child(tmp_path) == expected  # reads the cache
    assert orders.stat().st_mtime_ns == stamp

    with orders.open("a", encoding="utf-8") as f:  # a file changed by hand
        f.write("O99999,C00001,2025-12-31,服装,1,1.0,1.0,0.0,门店,现金,False\n")
    assert _digest_in_child(tmp_path) == expected  # not trusted: generated again and re-cached
    assert "O99999" not in orders.read_text(encoding="utf-8"), "the altered folder was replaced"
    assert _digest_in_child(tmp_path) == expected


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    truth = crmlab.datasets.generate(group=2)["orders"]
    expected = hashlib.sha256(crmlab.datasets.to_csv_text(truth, "orders").encode()).hexdigest()
    assert _digest_in_child(blocked) == expected
