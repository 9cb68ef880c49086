"""Install-path checks: data lookup without the course folder, packaged files, portable io."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab.datasets import REAL, SYNTHETIC

PKG = Path(crmlab.__file__).resolve().parent
ROOT = PKG.parent


@pytest.fixture
def ds():
    from crmlab import datasets

    return datasets


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    """Simulate a plain (non-editable) install: CRMLAB_DATA points to an empty folder."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("CRMLAB_DATA", str(empty))
    return empty


def test_synthetic_data_falls_back_to_identical_generation(ds, no_data, monkeypatch):
    fallback = {name: ds.load(name) for name in SYNTHETIC}
    monkeypatch.delenv("CRMLAB_DATA")
    assert (ds.data_dir() / "orders.csv").is_file()  # the repository's committed files
    for name in SYNTHETIC:
        pd.testing.assert_frame_equal(fallback[name], ds.load(name), obj=name)
    # a fresh copy every call, as with the files
    a = ds.load("orders")
    a.loc[0, "amount"] = -1
    assert ds.load("orders").loc[0, "amount"] != -1


@pytest.mark.parametrize("name", REAL)
def test_real_data_missing_gives_chinese_help(ds, no_data, name):
    with pytest.raises(CRMDataError) as info:
        ds.load(name)
    msg = str(info.value)
    assert f"{name}.csv" in msg
    assert str(no_data) in msg  # where it looked
    assert "pip install -e ." in msg and "CRMLAB_DATA" in msg  # how to fix it
    assert re.search(r"[\u4e00-\u9fff]{4}", msg)
    assert not isinstance(info.value, FileNotFoundError)


def test_crmlab_data_pointing_nowhere_is_named(ds, tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_DATA", str(tmp_path / "没有这个文件夹"))
    with pytest.raises(CRMDataError, match="不存在"):
        ds.load("german_credit")


def test_data_found_from_working_directory_of_a_course_folder(ds, tmp_path, monkeypatch):
    """Package in site-packages (no data next to it), Jupyter started in the course folder."""
    site = tmp_path / "site-packages" / "crmlab" / "datasets"
    site.mkdir(parents=True)
    monkeypatch.setattr(ds, "__file__", str(site / "__init__.py"))
    monkeypatch.delenv("CRMLAB_DATA", raising=False)
    course = tmp_path / "课程 crm"
    (course / "data").mkdir(parents=True)
    (course / "notebooks").mkdir()
    (course / "pyproject.toml").write_text("[project]\nname = 'crmlab'\n", encoding="utf-8")
    (course / "data" / "cdnow_summary.csv").write_text(
        "customer_id,frequency,recency,T,monetary_value\n9,1,2.00,3.00,4.50\n", encoding="utf-8")
    monkeypatch.chdir(course / "notebooks")
    assert ds.data_dir() == (course / "data").resolve()
    assert ds.load("cdnow_summary").loc[0, "customer_id"] == "9"
    # a data/ folder that is not a course folder (no pyproject.toml) is not used
    (course / "pyproject.toml").unlink()
    assert ds.data_dir() == (tmp_path / "site-packages" / "data").resolve()
    with pytest.raises(CRMDataError) as info:
        ds.load("cdnow_summary")
    assert str((course / "notebooks").resolve()) in str(info.value)


def test_setup_check_reports_data_state(no_data, tmp_path, monkeypatch):
    from crmlab.setup_check import check_environment

    row = check_environment().set_index("检查项").loc["课程数据"]
    assert row["结果"] == "未通过"
    assert all(name in row["说明"] for name in REAL) and "CRMLAB_DATA" in row["说明"]

    for name in REAL:  # real files present, synthetic ones generated in memory
        (no_data / f"{name}.csv").write_bytes((ROOT / "data" / f"{name}.csv").read_bytes())
    row = check_environment().set_index("检查项").loc["课程数据"]
    assert row["结果"] == "通过" and "内存中生成" in row["说明"]

    monkeypatch.delenv("CRMLAB_DATA")
    assert check_environment()["结果"].eq("通过").all()


def test_package_data_declared_for_fonts():
    """The font must ship in wheels (non-editable installs), not only in the repository."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = conf["tool"]["setuptools"]["package-data"]["crmlab"]
    for f in [*(PKG / "fonts").glob("*.ttf"), PKG / "fonts" / "OFL.txt", PKG / "py.typed"]:
        rel = f.relative_to(PKG).as_posix()
        assert any(Path(rel).match(p) for p in patterns), rel


def _text_io_without_encoding(tree: ast.AST) -> list[int]:
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
        kws = {k.arg for k in node.keywords}
        if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and fn.value.id in {"os", "self"}:
            continue  # os.open: low-level descriptors, no decoding; self.open(): a method of ours
        if name in {"read_text", "write_text"} and "encoding" not in kws:
            if isinstance(fn, ast.Attribute):  # Path.read_text / Path.write_text; a bare name is our own helper
                bad.append(node.lineno)
        elif name in {"open", "fdopen"} and "encoding" not in kws:
            args = node.args[1:2] if name == "open" and isinstance(fn, ast.Name) else node.args[:1]
            if (name == "open" and isinstance(fn, ast.Attribute) and args
                    and not isinstance(args[0], ast.Constant)):
                continue  # zipfile.open(member): Path.open's first argument is a literal mode string
            mode = next((k.value for k in node.keywords if k.arg == "mode"), args[0] if args else None)
            if not (isinstance(mode, ast.Constant) and "b" in str(mode.value)):
                bad.append(node.lineno)
    return sorted(bad)


def test_no_locale_dependent_text_io_in_package():
    """On Chinese Windows the locale encoding is GBK: every text read/write must name its encoding."""
    offenders = []
    for path in sorted(PKG.rglob("*.py")):
        bad = _text_io_without_encoding(ast.parse(path.read_text(encoding="utf-8")))
        offenders += [f"{path.relative_to(ROOT).as_posix()}:{line}" for line in bad]
    assert not offenders, offenders


def test_encoding_lint_can_fail():
    src = ("open('a.txt')\nPath('x').write_text('y')\nopen('b', 'rb')\nopen('c', encoding='utf-8')\n"
           "os.open('lock', os.O_CREAT)\nwrite_text(path, 'x')\nzf.open(info)\nPath('y').open('w')\n")
    assert _text_io_without_encoding(ast.parse(src)) == [1, 2, 8]
