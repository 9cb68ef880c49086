"""InfoBase under hostile use: concurrent writers, backups aimed at the base, odd restores, roles, audit log."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time

import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab.infobase import InfoBase, codes, security
from crmlab.infobase import base as base_module

CLOCK = lambda: "2026-01-01 09:00:00"  # noqa: E731
N_PER_WRITER = 40


def make_id(first17: str) -> str:
    return first17 + codes.id_check_digit(first17)


def _writer(path: str, tag: str, n: int, queue) -> None:
    """One process adding ``n`` customers one by one; reports (ok ids, error messages)."""
    base = InfoBase(path)
    ok, errors = [], []
    for i in range(n):
        try:
            ok.append(base.add_customer({"name": f"{tag}{i}", "phone": f"138{i:08d}"}, source=tag, channel="当面交谈"))
        except CRMDataError as exc:  # pragma: no cover - the test asserts there is none
            errors.append(str(exc))
    base.close()
    queue.put((tag, ok, errors))


@pytest.mark.slow  # two spawned processes: run by `pytest --full` and CI
def test_two_processes_adding_customers_lose_nothing(tmp_path):
    path = str(tmp_path / "共享.db")
    InfoBase(path).close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(path, tag, N_PER_WRITER, queue)) for tag in ("甲", "乙")]
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = [i for _, ok, _ in results for i in ok]
    assert [e for _, _, errs in results for e in errs] == []
    assert len(ids) == 2 * N_PER_WRITER == len(set(ids))
    with InfoBase(path) as b:
        t = b.table("customers")
        assert len(t) == 2 * N_PER_WRITER
        assert t["seq"].is_unique and t["code"].is_unique
        assert all(codes.check_customer_code(c) for c in t["code"])
        assert sorted(t["customer_id"]) == sorted(ids)


def test_a_writer_that_waits_too_long_fails_with_a_true_message(tmp_path, monkeypatch):
    path = tmp_path / "忙.db"
    base = InfoBase(path)
    monkeypatch.setattr(base_module, "BUSY_TIMEOUT", 0.2)
    base._conn.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(CRMDataError, match="正被另一个程序写入") as err:
            base.add_customer({"name": "张三"}, source="门店", channel="当面交谈")
        assert "UNIQUE" not in str(err.value) and "Traceback" not in str(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert base.counts()["customers"] == 0  # nothing half-written
    assert base.add_customer({"name": "张三"}, source="门店", channel="当面交谈")  # works once the lock is gone
    base.close()


def test_duplicate_customer_id_message_is_true(tmp_path):
    base = InfoBase(":memory:", clock=CLOCK)
    base.import_customers(pd.DataFrame({"customer_id": ["C1"], "name": ["甲"]}), source="门店", channel="当面交谈",
                          collected_at="2025-01-01")
    with pytest.raises(CRMDataError, match=r"客户编号 \['C1'\] 在信息库中已经存在"):
        base.import_customers(pd.DataFrame({"customer_id": ["C1"], "name": ["乙"]}), source="门店",
                              channel="当面交谈", collected_at="2025-01-01")
    with pytest.raises(CRMDataError, match="出现了不止一次"):
        base.import_customers(pd.DataFrame({"customer_id": ["C2", "C2"], "name": ["乙", "丙"]}), source="门店",
                              channel="当面交谈", collected_at="2025-01-01")
    assert base.counts()["customers"] == 1


# ---------------------------------------------------------------- backup
@pytest.fixture
def filebase(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    b = InfoBase(tmp_path / "客户.db", clock=CLOCK)
    b.add_customer({"name": "张三", "phone": "13812345678"}, source="门店", channel="当面交谈")
    yield b
    b.close()


def _lock_is_free(path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def _same_file_spellings(tmp_path):
    sub = tmp_path / "子文件夹"
    sub.mkdir()
    yield "客户.db"  # relative to the working folder
    yield os.path.join("子文件夹", "..", "客户.db")
    yield tmp_path / "客户.db"
    if hasattr(os, "symlink"):
        try:
            os.symlink(tmp_path / "客户.db", tmp_path / "链接.db")
            yield tmp_path / "链接.db"
        except OSError:
            pass
    try:
        os.link(tmp_path / "客户.db", tmp_path / "硬链接.db")
        yield tmp_path / "硬链接.db"
    except OSError:
        pass


def test_backup_refuses_the_base_itself_by_identity(filebase, tmp_path):
    spellings = list(_same_file_spellings(tmp_path))
    assert len(spellings) >= 3
    for target in spellings:
        for overwrite in (False, True):
            start = time.monotonic()
            with pytest.raises(CRMDataError, match="不能是信息库本身"):
                filebase.backup(target, overwrite=overwrite)
            assert time.monotonic() - start < 5  # refused at once, never hangs
            assert _lock_is_free(tmp_path / "客户.db")  # and the base's lock is not kept
    assert filebase.counts()["customers"] == 1 and filebase.integrity_check() == "ok"
    with pytest.raises(CRMDataError, match="不能用信息库本身"):
        filebase.restore("客户.db")


def test_backup_never_overwrites_silently(filebase, tmp_path):
    first = filebase.backup("备份.db")
    assert first.exists()
    with pytest.raises(CRMDataError, match="已经存在.*overwrite=True"):
        filebase.backup("备份.db")
    filebase.add_customer({"name": "李四"}, source="门店", channel="当面交谈")
    filebase.backup("备份.db", overwrite=True)
    with InfoBase(tmp_path / "备份.db") as copy:
        assert copy.counts()["customers"] == 2
    other = tmp_path / "别人的.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(CRMDataError, match="已经存在"):
        filebase.backup(other)
    sheet = tmp_path / "成绩.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not a database")
    for overwrite in (False, True):
        with pytest.raises(CRMDataError, match="不是信息库文件"):
            filebase.backup(sheet, overwrite=overwrite)
    assert sheet.read_bytes() == b"PK\x03\x04 not a database"
    with pytest.raises(CRMDataError, match="文件夹"):
        filebase.backup(tmp_path)
    with pytest.raises(CRMDataError, match="文件夹.*不存在"):
        filebase.backup(tmp_path / "没有这个文件夹" / "b.db")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".备份中")]  # no temporary file left
    assert _lock_is_free(tmp_path / "客户.db")


def test_backup_gives_up_on_a_locked_base_instead_of_hanging(filebase, tmp_path, monkeypatch):
    monkeypatch.setattr(base_module, "BUSY_TIMEOUT", 0.5)
    filebase._conn.execute("PRAGMA busy_timeout = 500")
    holder = sqlite3.connect(tmp_path / "客户.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # nobody may even read the base now
    try:
        start = time.monotonic()
        with pytest.raises(CRMDataError, match="锁住"):
            filebase.backup("锁住时.db")
        assert time.monotonic() - start < 20
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not (tmp_path / "锁住时.db").exists()
    assert filebase.backup("锁住时.db").exists()


# ---------------------------------------------------------------- restore
def test_restore_refuses_folders_and_foreign_schemas(filebase, tmp_path):
    with pytest.raises(CRMDataError, match="文件夹"):
        filebase.restore(tmp_path)
    good = filebase.backup("好备份.db")
    for name, sql in (
        ("去掉触发器.db", "DROP TRIGGER raw_records_no_delete"),
        ("去掉审计触发器.db", "DROP TRIGGER audit_log_no_delete"),
        ("多一个索引.db", "CREATE INDEX ix_extra ON customers(name)"),
        ("多一张表.db", "CREATE TABLE notes (x)"),
    ):
        bad = filebase.backup(name)
        conn = sqlite3.connect(bad)
        conn.execute(sql)
        conn.commit()
        conn.close()
        with pytest.raises(CRMDataError, match="结构与本信息库不同") as err:
            filebase.restore(bad)
        assert len(str(err.value)) < 300
    filebase.add_customer({"name": "李四"}, source="门店", channel="当面交谈")
    assert filebase.restore(good) == "ok"
    assert filebase.counts()["customers"] == 1
    filebase.read_customers("管理员", user="老板")
    with pytest.raises(sqlite3.IntegrityError):  # the protective triggers are still there
        filebase.connection.execute("DELETE FROM audit_log")


# ---------------------------------------------------------------- roles and audit
@pytest.fixture
def rich():
    b = InfoBase(":memory:", clock=CLOCK)
    idn = make_id("11010120100601123")  # born 2010-06-01: the card expires at 16, in June 2026
    b.import_records(pd.DataFrame({"name": ["张三"], "phone": ["13812345678"], "id_number": [idn]}),
                     source="门店", channel="当面交谈", collected_at="2025-06-01")
    cid = b.add_customer({"name": "张三", "phone": "13812345678", "id_number": idn,
                          "address": "北京市海淀区中关村大街1号"}, source="门店", channel="当面交谈")
    b.update_customer(cid, {"phone": "13900001111"}, source="客服回访")
    b.import_table(pd.DataFrame({"customer_id": [cid], "name": ["联系人王五"], "phone": ["13700002222"]}),
                   "contacts", source="门店", channel="当面交谈", collected_at="2025-06-01")
    yield b, cid
    b.close()


def _readers(b, cid):
    return {
        "customer": lambda **kw: pd.DataFrame([b.customer(cid, **kw)]),
        "table": lambda **kw: b.table("customers", **kw),
        "contacts": lambda **kw: b.table("contacts", **kw),
        "raw_records": lambda **kw: b.raw_records(**kw),
        "history": lambda **kw: b.history(cid, **kw),
        "retired": lambda **kw: b.retired(cid, **kw),
        "expiring_ids": lambda **kw: b.expiring_ids(today="2026-01-01", within_days=365, **kw),
    }


def test_every_personal_read_is_masked_by_role_and_audited(rich):
    b, cid = rich
    secrets = ("13812345678", "13900001111", "13700002222")
    for what, read in _readers(b, cid).items():
        n = len(b.audit_log())
        view = read(role="客服", user="小王")
        text = view.to_csv()
        assert not any(s in text for s in secrets), what  # 客服 sees phones masked
        assert "张三" not in text and "联系人王五" not in text, what
        admin = read(role="管理员", user="老板")
        log = b.audit_log()
        assert len(log) > n, what  # the clear read is in the log
        assert log.iloc[-1]["user"] == "老板" and log.iloc[-1]["role"] == "管理员"
        assert any(s in admin.to_csv() for s in secrets) or "张三" in admin.to_csv(), what
        with pytest.raises(CRMDataError, match="角色.*不存在"):
            read(role="黑客", user="x")
        with pytest.raises(CRMDataError, match="角色"):
            read(role=None, user="x")


def test_the_default_read_is_the_administrators_and_audited(rich):
    b, cid = rich
    n = len(b.audit_log())
    assert b.customer(cid)["phone"] == "13900001111"
    log = b.audit_log()
    assert len(log) == n + 1 and log.iloc[-1]["role"] == "管理员" and "phone" in log.iloc[-1]["fields"]


def test_audit_log_is_append_only(rich):
    b, cid = rich
    b.read_customers("管理员", user="老板")
    n = len(b.audit_log())
    assert n > 0
    for sql in ("DELETE FROM audit_log", "UPDATE audit_log SET user = '无人'", "DELETE FROM audit_log WHERE audit_id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="审计日志"):
            b.connection.execute(sql)
    assert len(b.audit_log()) == n


def test_audit_user_names_are_text_and_short(rich):
    b, cid = rich
    b.read_customers("管理员", user="老板\x00\x1b[31m" + "长" * 500)
    assert len(b.audit_log().iloc[-1]["user"]) <= 50 and "\x00" not in b.audit_log().iloc[-1]["user"]
    with pytest.raises(CRMDataError, match="查看者的名字"):
        b.read_customers("管理员", user=None)


def test_roles_are_documented_as_teaching_model():
    assert "for teaching" in security.__doc__ and "raw" in security.__doc__.lower()
    assert "bypass" in InfoBase.connection.__doc__


def test_screening_run_is_audited():
    b = InfoBase(":memory:", clock=CLOCK)
    b.import_records(pd.DataFrame({"name": ["张三", "张三"], "phone": ["13812345678", "138 1234 5678"]}),
                     source="门店", channel="当面交谈", collected_at="2025-06-01")
    result = b.screen(user="管理员小李")
    log = b.audit_log()
    assert len(result.merged) == 1 and log.iloc[-1]["user"] == "管理员小李" and "phone" in log.iloc[-1]["fields"]
    b.close()
