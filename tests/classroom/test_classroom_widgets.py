"""Classroom widgets (ProgressView, SubmitView) fed absurd input: Chinese messages, nothing written astray."""

from __future__ import annotations

import re
import zipfile

import pytest

from crmlab.widgets.classroom import ProgressView, SubmitView

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ABSURD = {"empty": "", "none": None, "huge": 1e12, "negative": -5, "zero": 0, "text": "abc", "yuan": "¥1,200",
          "nan": float("nan")}
UNSAFE_NAMES = ["", "   ", "..", "../../逃出去", "/tmp/张三", "..\\..\\张三", "C:\\张三", "///", "张三/../../x",
                "名" * 41, "\x00", "~/张三"]


@pytest.fixture(autouse=True)
def _nobody():
    from crmlab import records

    records.forget_student()
    yield
    records.forget_student()


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("CRMLAB_HOME", str(folder))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return folder


@pytest.fixture
def out(tmp_path, home):
    folder = tmp_path / "hand_in"
    folder.mkdir()
    return folder


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def _generic(message: str) -> bool:
    return "输入有误" in message or "意外" in message


def test_submit_view_writes_in_the_chosen_folder(out, tmp_path):
    v = SubmitView(folder=out)
    res = v.update(name="张三", lesson=2, class_name="营销1班", student_id="20250101")
    assert res is not None and v.message == ""
    assert res.path.parent == out.resolve() and res.path.name == "作业_第2课_张三.zip"
    with zipfile.ZipFile(res.path) as zf:
        assert "submission.json" in zf.namelist()


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_submit_view_refuses_empty_or_unsafe_names_or_keeps_them_inside(out, tmp_path, name):
    before = _files(tmp_path)
    v = SubmitView(folder=out)
    res = v.update(name=name, lesson=1)
    assert not _generic(v.message), v.message
    written = [p for p in _files(tmp_path) if p not in before]
    if res is None:
        assert CHINESE.search(v.message) and "⚠" in v.status.value and "Traceback" not in v.message
        assert written == []
    else:  # cleaned to a plain file name, inside the chosen folder
        assert written == [res.path] and res.path.parent == out.resolve()
        assert "/" not in res.path.name and "\\" not in res.path.name
    assert v.update(name="李四", lesson=1) is not None and v.message == ""  # keeps working


@pytest.mark.parametrize("kind", list(ABSURD))
def test_submit_view_absurd_inputs(out, tmp_path, kind):
    bad = ABSURD[kind]
    v = SubmitView(folder=out)
    for field in ("name", "class_name", "student_id", "lesson"):
        values = {"name": "张三", field: bad}
        res = v.update(**values)
        where = f"{field}={bad!r}"
        assert not _generic(v.message), f"{where}: {v.message!r}"
        if field == "name":  # only a non-empty text is a name
            legit = kind in ("text", "yuan")
        elif field == "lesson":  # None means all lessons
            legit = kind == "none"
        else:  # optional; a student number may be typed as a number
            legit = True
        if legit:
            assert res is not None and v.message == "", f"{where}: {v.message!r}"
            assert res.path.parent == out.resolve() and "nan" not in res.path.name
        else:
            assert res is None and CHINESE.search(v.message), f"{where} accepted"
        assert v.update(name="张三", lesson=2) is not None and v.message == ""
    assert all(p.parent in (out, tmp_path / "home") for p in _files(tmp_path))


def test_submit_view_student_number_keeps_its_digits(out):
    v = SubmitView(folder=out)
    res = v.update(name="张三", lesson=3, student_id=20250101.0)
    assert res is not None and res.data["student_id"] == "20250101"


def test_submit_view_missing_folder_is_explained(tmp_path, home):
    v = SubmitView(folder=tmp_path / "nowhere")
    assert v.update(name="张三", lesson=1) is None and "文件夹" in v.message
    assert not (tmp_path / "nowhere").exists()


def test_progress_view_survives_a_broken_store_and_refreshes(home):
    from crmlab import records
    from crmlab.exercises import lesson1

    v = ProgressView()
    assert v.result is not None and v.message == ""
    home.mkdir(parents=True, exist_ok=True)
    records.store_path().write_text("{not json", encoding="utf-8")
    assert v.update() is not None and v.message == ""  # a broken file reads as "no progress yet"
    records.store_path().write_text('{"checks": 5}', encoding="utf-8")
    assert v.update() is not None and v.message == ""
    records.store_path().unlink()
    lesson1.q1.check({"distributor": "客户", "baby_formula": "用户", "free_app": "用户"})
    v.refresh.click()
    assert v.message == "" and "第1课" in v.result._repr_html_()


# ---------------------------------------------------------------- identity form and hand-in (issue 16)


def test_student_form_registers_this_kernel(home):
    import crmlab
    from crmlab import records

    form = crmlab.student_form()
    assert form.update() is None and "姓名" in form.message and records.current_student() is None
    form.controls["name"].value = "张三"
    form.controls["student_id"].value = "07"
    form.button.click()
    assert form.message == "" and form.result.name == "张三"
    assert records.current_student() == records.Student("张三", "07", "")
    again = crmlab.student_form()  # run the cell again: pre-filled, already registered
    assert again.controls["name"].value == "张三" and "张三" in again.status.value


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_student_form_absurd_names(home, name):
    from crmlab import records
    from crmlab.widgets.classroom import StudentForm

    form = StudentForm()
    res = form.update(name=name)
    assert not _generic(form.message), form.message
    if res is None:
        assert CHINESE.search(form.message) and records.current_student() is None
    else:
        assert records.current_student() is res and res.name


def test_handin_view_submits_the_lesson(out, tmp_path):
    import crmlab
    from crmlab import records

    view = crmlab.handin(lesson=2, folder=out)
    assert "Ctrl+S" in view.widget.children[0].value and "第2课" in view.widget.children[0].value
    assert view.update() is None and "姓名" in view.message
    view.controls["name"].value = "李四"
    view.button.click()
    assert view.message == "" and (out / "作业_第2课_李四.zip").exists()
    assert records.current_student().name == "李四"
    with zipfile.ZipFile(out / "作业_第2课_李四.zip") as zf:
        assert '"lessons": [\n  "lesson2"\n ]' in zf.read("submission.json").decode("utf-8")
    crmlab.student("王五", class_name="2班")
    view2 = crmlab.handin(lesson="第3课", folder=out)
    assert view2.controls["name"].value == "王五" and view2.controls["class_name"].value == "2班"
    with pytest.raises(Exception, match="课次"):
        crmlab.handin(lesson=9)
