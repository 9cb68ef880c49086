"""Progress recording: every lesson check is stored in the user's data directory, never breaks a check."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import crmlab
from crmlab import CRMDataError, records
from crmlab.charts.progress import plot_progress
from crmlab.exercises import Question, Wrong, lesson1
from crmlab.exercises import progress as progress_view

Q1_RIGHT = 1


def _one(answer):
    if answer != 1:
        raise Wrong("请写 1。")


# a question bound to lesson 1 / q1 explicitly: the recording does not depend on the lesson's current wording
BOUND_Q1 = Question("练习1", "写 1", _one, hint="1", solution="answer = 1", lesson=1, qid="q1")


@pytest.fixture(autouse=True)
def _nobody():
    records.forget_student()
    yield
    records.forget_student()


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "crmlab-home"
    monkeypatch.setenv("CRMLAB_HOME", str(folder))
    return folder


def _stored(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text(encoding="utf-8"))["checks"]


# ---------------------------------------------------------------- location
def test_crmlab_home_overrides(home):
    assert records.data_dir() == home.resolve()
    assert records.store_path() == home.resolve() / "progress.json"


@pytest.mark.parametrize(
    "platform, env, expected",
    [
        ("win32", {"APPDATA": "/users/x/AppData/Roaming"}, "/users/x/AppData/Roaming/crmlab"),
        ("linux", {"XDG_DATA_HOME": "/data/x"}, "/data/x/crmlab"),
        ("linux", {}, "HOME/.local/share/crmlab"),
        ("darwin", {}, "HOME/Library/Application Support/crmlab"),
    ],
)
def test_platform_data_dirs(monkeypatch, tmp_path, platform, env, expected):
    monkeypatch.delenv("CRMLAB_HOME", raising=False)
    for var in ("APPDATA", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    assert records.data_dir() == Path(expected.replace("HOME", str(tmp_path)))


# ---------------------------------------------------------------- recording
def test_lesson_check_is_recorded(home):
    assert BOUND_Q1.check(2).status == "incorrect"
    assert BOUND_Q1.check(Q1_RIGHT).correct
    assert BOUND_Q1.check(...).status == "not_answered"  # a stub is not an attempt
    rec = _stored(home)["lesson1"]["q1"]
    assert rec["attempts"] == 2
    assert rec["passed"] is True
    assert rec["attempts_to_pass"] == 2
    assert rec["first_passed"]
    first = rec["first_passed"]
    BOUND_Q1.check(2)  # a later wrong answer does not undo the pass
    rec = _stored(home)["lesson1"]["q1"]
    assert (rec["passed"], rec["attempts"], rec["first_passed"], rec["last_result"]) == (True, 3, first, "incorrect")


def test_questions_outside_lessons_are_not_recorded(home):
    def _checker(answer):
        if answer != 1:
            raise Wrong("不对")

    q = Question("练习1", "写 1", _checker, hint="1", solution="answer = 1")
    assert q.check(1).correct
    assert not (home / "progress.json").exists()


def test_unwritable_store_never_breaks_a_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRMLAB_HOME", str(blocker / "crmlab"))  # mkdir fails: parent is a file
    res = BOUND_Q1.check(Q1_RIGHT)
    assert res.correct
    assert records.record_check("lesson1", "q1", True) is False


def test_corrupt_store_is_replaced(home):
    home.mkdir(parents=True)
    (home / "progress.json").write_text("{ not json", encoding="utf-8")
    assert records.load_store()["checks"] == {}
    assert records.record_check("lesson2", "q3", False) is True
    assert _stored(home) == {"lesson2": {"q3": _stored(home)["lesson2"]["q3"]}}
    assert _stored(home)["lesson2"]["q3"]["attempts"] == 1
    assert (home / "progress.broken.json").read_text(encoding="utf-8") == "{ not json"  # kept for the teacher


def test_unreadable_store_is_not_replaced_by_an_empty_one(home, monkeypatch):
    assert records.record_check("lesson1", "q1", True)
    real_read = Path.read_text

    def busy(self, *args, **kwargs):
        if self.name == "progress.json":
            raise PermissionError(13, "busy", str(self))
        return real_read(self, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(Path, "read_text", busy)
        assert records.record_check("lesson1", "q2", True) is False
    assert list(_stored(home)["lesson1"]) == ["q1"]


def test_stale_lock_is_broken(home):
    home.mkdir(parents=True)
    lock = home / "progress.json.lock"
    lock.write_text("")
    old = time.time() - 60
    os.utime(lock, (old, old))
    assert records.record_check("lesson1", "q2", True) is True
    assert not lock.exists()


def test_concurrent_writers_lose_nothing(home):
    def work():
        for _ in range(15):
            assert records.record_check("lesson3", "q1", False)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _stored(home)["lesson3"]["q1"]["attempts"] == 90
    assert [p.name for p in home.iterdir()] == ["progress.json"]  # no temp or lock file left


# ---------------------------------------------------------------- reading
def _n_questions(module) -> int:
    return sum(1 for name in vars(module) if re.fullmatch(r"q\d+", name))


def test_progress_counts_passed_out_of_all_questions(home):
    records.record_check("lesson1", "q1", True)
    records.record_check("lesson1", "q3", False)
    records.record_check("lesson1", "q3", True)
    records.record_check("lesson4", "q2", False)
    p = crmlab.progress()
    summary = p.summary
    assert list(summary.index) == ["lesson1", "lesson2", "lesson3", "lesson4"]
    assert summary.loc["lesson1", "passed"] == 2
    assert summary.loc["lesson1", "total"] == _n_questions(lesson1)
    assert summary.loc["lesson1", "attempts"] == 3
    assert summary.loc["lesson4", "passed"] == 0
    assert summary.loc["lesson4", "attempts"] == 1
    frame = p.frame.set_index(["lesson", "question"])
    assert frame.loc[("lesson1", "q3"), "attempts"] == 2
    assert frame.loc[("lesson1", "q1"), "name"] == lesson1.q1.name
    assert not frame.loc[("lesson1", "q2"), "passed"]
    assert f"第1课 识别客户：2 / {_n_questions(lesson1)}" in repr(p)
    html = p._repr_html_()
    assert "✓ 已通过" in html and "× 还没通过" in html and "— 未做" in html
    assert "data:image/png;base64" in html
    assert "nan" not in re.sub(r"<img[^>]*>", "", html).lower()  # no NaN for questions not passed yet


def test_progress_one_lesson_and_reset(home):
    records.record_check("lesson1", "q1", True)
    records.record_check("lesson2", "q1", True)
    assert set(crmlab.progress(lesson=2).frame["lesson"]) == {"lesson2"}
    crmlab.progress(1, reset=True)
    assert "lesson1" not in _stored(home) and "lesson2" in _stored(home)
    assert crmlab.progress(reset=True).summary["passed"].sum() == 0
    with pytest.raises(CRMDataError, match="课次"):
        crmlab.progress(lesson="第9课")


@pytest.mark.parametrize("value, key", [(1, "lesson1"), ("2", "lesson2"), ("lesson3", "lesson3"), ("第4课", "lesson4")])
def test_lesson_key(value, key):
    assert records.lesson_key(value) == key


def test_plot_progress(home):
    records.record_check("lesson3", "q2", True)
    ax = plot_progress(crmlab.progress().summary)
    try:
        assert "学习进度" in ax.get_title()
        widths = [bar.get_width() for bar in ax.containers[1]]  # passed bars, lesson 4 first (top-down order)
        assert widths == [0, 1, 0, 0]
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[0].startswith("第4课") and labels[-1].startswith("第1课")
    finally:
        plt.close(ax.figure)


def test_progress_view_refreshes(home):
    from crmlab.widgets.classroom import ProgressView

    view = ProgressView()
    assert view.message == ""
    assert view.result.summary["passed"].sum() == 0
    records.record_check("lesson2", "q5", True)
    view.refresh.click()
    assert view.result.summary.loc["lesson2", "passed"] == 1


def test_concurrent_kernels_lose_nothing(home):
    import subprocess

    code = "from crmlab import records\nfor _ in range(30): assert records.record_check('lesson4', 'q1', True)"
    procs = [subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "CRMLAB_HOME": str(home)})
             for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    assert _stored(home)["lesson4"]["q1"]["attempts"] == 90


# ---------------------------------------------------------------- identities on one login (issue 16)


def _bucket(home: Path, key: str) -> dict:
    return json.loads((home / "progress.json").read_text(encoding="utf-8"))["students"][key]["checks"]


def test_two_students_on_one_login_keep_separate_results(home):
    crmlab.student("张三", student_id="01", class_name="营销1班")
    assert BOUND_Q1.check(1).correct
    crmlab.student("赵六", student_id="02")
    assert progress_view.progress(1).frame.set_index("question").loc["q1", "passed"] == False  # noqa: E712
    BOUND_Q1.check(5)
    assert _bucket(home, "张三|01")["lesson1"]["q1"]["passed"] is True
    assert _bucket(home, "赵六|02")["lesson1"]["q1"] == {**_bucket(home, "赵六|02")["lesson1"]["q1"],
                                                          "passed": False, "attempts": 1}
    assert "lesson1" not in _stored(home)  # nothing in the unnamed checks
    crmlab.student("张三", student_id="01")
    assert progress_view.progress(1).frame.set_index("question").loc["q1", "passed"] == True  # noqa: E712
    assert "张三" in repr(progress_view.progress())
    # the same name with another student number is another student
    crmlab.student("张三", student_id="03")
    assert not progress_view.progress(1).frame["passed"].any()


def test_checks_before_registering_move_to_the_first_identity(home):
    BOUND_Q1.check(2)
    BOUND_Q1.check(1)
    assert _stored(home)["lesson1"]["q1"]["passed"] is True
    who = crmlab.student(" 李 四 ")
    assert who.name == "李 四" and "李 四" in repr(who)
    rec = _bucket(home, "李 四|")["lesson1"]["q1"]
    assert (rec["attempts"], rec["passed"]) == (2, True)
    crmlab.student("王五")  # a second identity in the same kernel inherits nothing
    assert "王五|" not in json.loads((home / "progress.json").read_text(encoding="utf-8"))["students"] or \
        not _bucket(home, "王五|")


def test_reset_forgets_only_this_students_checks(home):
    crmlab.student("张三")
    BOUND_Q1.check(1)
    crmlab.student("赵六")
    BOUND_Q1.check(1)
    progress_view.progress(reset=True)
    assert not _bucket(home, "赵六|") and _bucket(home, "张三|")["lesson1"]["q1"]["passed"]


@pytest.mark.parametrize("bad", ["", "   ", ["张三"], "张" * 41, True])
def test_student_refuses_unusable_names_in_chinese(home, bad):
    with pytest.raises(CRMDataError) as info:
        crmlab.student(bad)
    assert re.search(r"[\u4e00-\u9fff]", str(info.value))
    assert records.current_student() is None


def test_student_id_typed_as_a_number_and_control_characters(home):
    who = crmlab.student("张\x07三", student_id=20250101.0, class_name="1班\n")
    assert (who.name, who.student_id, who.class_name) == ("张三", "20250101", "1班")
    assert crmlab.student() is who


def test_record_in_the_output_names_the_student(home):
    from crmlab.exercises import RECORD_MIME

    assert "student" not in BOUND_Q1.check(1)._repr_mimebundle_()[RECORD_MIME]
    crmlab.student("张三", student_id="01")
    rec = BOUND_Q1.check(1)._repr_mimebundle_()[RECORD_MIME]
    assert (rec["student"], rec["student_id"]) == ("张三", "01")
    assert BOUND_Q1.check(1)._repr_mimebundle_()[RECORD_MIME] == rec  # deterministic for the same student


def test_version1_store_is_read(home):
    home.mkdir(parents=True)
    (home / "progress.json").write_text('{"version": 1, "checks": {"lesson1": {"q1": {"passed": true, "attempts": 1}}}}',
                                        encoding="utf-8")
    assert progress_view.progress(1).frame.set_index("question").loc["q1", "passed"]
    crmlab.student("张三")
    BOUND_Q1.check(1)
    data = json.loads((home / "progress.json").read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["checks"]["lesson1"]["q1"]["passed"]
