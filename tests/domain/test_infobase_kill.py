"""Nothing is lost: an import killed with SIGKILL leaves a sound file with none or all of the batch."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")]

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import pandas as pd
    from crmlab.infobase import InfoBase

    db, signal_file, n, pause = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    base = InfoBase(db)
    # a first, small batch that is committed before the big one starts
    base.import_records(pd.DataFrame({"name": ["先导入的"] * 10}), source="销售部", channel="内部记录",
                        collected_at="2025-01-01")
    big = pd.DataFrame({"name": [f"客户{i}" for i in range(n)], "phone": ["13812345678"] * n,
                        "address": ["某市某区某路" + str(i) for i in range(n)]})

    def progress(done, total):
        if not signal_file.exists():
            signal_file.write_text(str(done))  # we are inside the transaction now
            time.sleep(pause)

    base.import_records(big, source="外购名单", channel="直接购买", collected_at="2025-02-01",
                        progress=progress, chunk_size=2000)
    signal_file.write_text("done")
    """
)


def run_and_kill(tmp_path: Path, n: int, pause: float) -> tuple[int, str]:
    db = tmp_path / "base.db"
    flag = tmp_path / "inside.txt"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(db), str(flag), str(n), str(pause)])
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            if proc.poll() is not None:
                pytest.fail(f"child exited early with code {proc.returncode}")
            if time.monotonic() > deadline:
                pytest.fail("child never reached the import")
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert flag.read_text() != "done"
    conn = sqlite3.connect(str(db))  # the hot journal is rolled back on open
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        count = conn.execute("SELECT COUNT(*) FROM raw_records WHERE source = '外购名单'").fetchone()[0]
        first = conn.execute("SELECT COUNT(*) FROM raw_records WHERE source = '销售部'").fetchone()[0]
        batches = conn.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0]
    finally:
        conn.close()
    assert first == 10
    return count, check, batches


def test_kill_inside_transaction_leaves_none_of_the_batch(tmp_path):
    count, check, batches = run_and_kill(tmp_path, n=20000, pause=30)
    assert check == "ok"
    assert count == 0  # killed while paused inside the transaction
    assert batches == 1


def test_kill_while_writing_leaves_none_or_all(tmp_path):
    # no pause: the kill lands somewhere while the chunks are being written
    count, check, batches = run_and_kill(tmp_path, n=60000, pause=0)
    assert check == "ok"
    assert count in (0, 60000)
    assert batches == (1 if count == 0 else 2)
