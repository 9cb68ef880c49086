"""Question objects with Chinese feedback, multi-level hints and a record in the notebook.

A question is defined by a *checker*: a function that receives the learner's
answer and either returns normally (correct) or raises :class:`Wrong` with a
targeted Chinese hint for a common mistake.  An answer that is still the stub
``...`` (Ellipsis) or ``None`` counts as not answered yet.

Example::

    def _check(answer):
        if answer == -expected:
            raise Wrong("符号反了：让渡价值 = 总价值 − 总成本。")
        if answer != expected:
            raise Wrong(f"你的结果是 {answer}，比正确答案小。")

    q1 = Question("练习1", "计算让渡价值", _check,
                  hint=["先分清哪些是价值、哪些是成本。",
                        "把四项价值相加，再减去四项成本。"],
                  solution="answer = total_value - total_cost",
                  tier="拓展", kind="code")

:func:`choice` and :func:`number` build the common no-code questions.

A lesson question knows which lesson and variable (``q3``) it is: the module
``crmlab.exercises.lessonN`` binds it to the name it is stored under
(:func:`questions` reads the module's namespace, by object identity, in
definition order).  ``lesson=`` / ``qid=`` set this explicitly for questions
defined elsewhere.  Checks and looked-at solutions of lesson questions are
recorded in the progress store (:mod:`crmlab.records`) and leave a small
machine-readable record (:data:`RECORD_MIME`) in the cell output, so a saved
notebook carries its own results.
"""

from __future__ import annotations

import html
import importlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmlab.exercises._slips import number as _slip_number
from crmlab.exercises.answers import Wrong, _short, is_close
from crmlab.exercises.answers import as_number as as_number  # re-exported: the lessons' checkers use it from here
from crmlab.records import current_student, record_check, record_hint, record_solution

NOT_ANSWERED = "not_answered"
CORRECT = "correct"
INCORRECT = "incorrect"
HINT = "hint"
SOLUTION = "solution"

TIERS = ("基础", "拓展")
KINDS = ("choice", "number", "text", "table", "code")

#: MIME type of the record a check / solution leaves in the notebook's cell output
RECORD_MIME = "application/vnd.crmlab.check+json"
RECORD_FORMAT = "crmlab-check"

_STYLE = {
    CORRECT: ("#1b7f3b", "✓ 正确"),
    INCORRECT: ("#b3261e", "× 还不对"),
    NOT_ANSWERED: ("#8a6d00", "… 尚未作答"),
    HINT: ("#1f5fa8", "★ 提示"),
    SOLUTION: ("#5b3b8c", "◆ 参考答案"),
}
#: the title learners see for each status ("✓ 正确", "× 还不对" ...)
STATUS_LABELS = {status: title for status, (_color, title) in _STYLE.items()}
_LESSON_MODULE = re.compile(r"^crmlab\.exercises\.(lesson\d+)$")
_QID = re.compile(r"q\d+")


_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_SAYS_WRONG = re.compile(r"^(?:\s*(?:答案还不对|还不对|不对|答案不对|错了)\s*[：:，,。.！!]?\s*)+")


def _html_text(text: str) -> str:
    """Escape ``text`` for HTML, render `code` spans and line breaks."""
    escaped = html.escape(text)
    escaped = _INLINE_CODE.sub(r"<code>\1</code>", escaped)
    return escaped.replace("\n", "<br>")


@dataclass(frozen=True)
class CheckResult:
    """What ``check()``, ``hint()`` and ``solution()`` return; renders in Jupyter.

    ``record`` (lesson questions only) is the machine-readable record shown as
    :data:`RECORD_MIME` next to text/plain and text/html; it holds no time or
    identity, so re-executing a notebook reproduces it exactly.
    """

    status: str
    message: str
    question: str = ""
    title: str = ""
    record: dict | None = field(default=None, compare=False)

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def _title(self) -> tuple[str, str]:
        color, title = _STYLE.get(self.status, ("#333", self.status))
        return color, self.title or title

    def _body(self) -> str:
        if self.status == INCORRECT:  # the title already says 还不对: never "还不对：还不对。"
            return _SAYS_WRONG.sub("", self.message, count=1) or self.message
        return self.message

    def __repr__(self) -> str:  # text/plain, also what nbval compares
        _color, title = self._title()
        head = f"[{self.question}] {title}" if self.question else title
        body = self._body()
        return f"{head}：{body}" if body else head

    def _repr_html_(self) -> str:
        color, title = self._title()
        head = f"{html.escape(self.question)} · {html.escape(title)}" if self.question else html.escape(title)
        body = _html_text(self._body())
        if self.status == SOLUTION:
            code, _sep, note = self.message.partition(_SOLUTION_NOTE_SEP)
            body = f"<pre style='margin:4px 0'>{html.escape(code)}</pre>"
            if note:
                body += f"<div style='color:#666;font-size:90%'>{html.escape(note.strip())}</div>"
        return (
            f"<div style='border-left:4px solid {color};padding:4px 10px;margin:4px 0'>"
            f"<b style='color:{color}'>{head}</b><div>{body}</div></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {RECORD_MIME: dict(self.record)} if self.record else {}

    def __bool__(self) -> bool:
        return self.correct


_SOLUTION_NOTE_SEP = "\n\n——\n"


def _is_unanswered(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _levels(hint: str | Sequence[str]) -> tuple[str, ...]:
    levels = (hint,) if isinstance(hint, str) else tuple(str(h) for h in hint)
    levels = tuple(h.strip() for h in levels if str(h).strip())
    if not levels:
        raise ValueError("a question needs at least one hint level")
    return levels


class Question:
    """One exercise question.

    Parameters
    ----------
    name : the name learners see, ``"练习3"``.
    prompt : the task in Chinese (shown by ``repr``).
    checker : ``checker(answer)``; returns on success, raises :class:`Wrong` otherwise.
    hint : a Chinese hint, or a sequence of levels (a nudge first, then the concrete step);
        each call of :meth:`hint` shows the next level.
    solution : the reference solution (code or text, or a zero-argument callable returning it)
        shown by :meth:`solution` (recorded).
    tier : ``"基础"`` (core, no programming) or ``"拓展"`` (optional).
    kind : ``"choice"``, ``"number"``, ``"text"``, ``"table"`` or ``"code"``.
    expected : the reference answer for the teacher's key, a value or a zero-argument callable.
    lesson, qid : where the question lives (``"lesson3"``, ``"q3"``); set automatically for
        questions stored as ``qN`` in ``crmlab.exercises.lessonN``.
    """

    def __init__(self, name: str, prompt: str, checker: Callable[[Any], Any], hint: str | Sequence[str],
                 solution: str | Callable[[], str], *, tier: str = "拓展", kind: str = "code", expected: Any = None,
                 lesson: Any = None, qid: str | None = None) -> None:
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, not {tier!r}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.name = name
        self.prompt = prompt
        self.tier = tier
        self.kind = kind
        self._checker = checker
        self._hints = _levels(hint)
        self._solution = solution
        self._expected = expected
        self.lesson: str | None = _lesson_name(lesson) if lesson is not None else None
        self.qid: str | None = qid
        self._hint_calls = 0
        self._last_wrong: tuple[str, str | None] | None = None  # (message, reaction) of the last wrong check
        self._reacted = True
        self._last_message: str | None = None

    # ---------------------------------------------------------------- identity
    def where(self) -> tuple[str, str] | None:
        """``(lesson, qid)`` for a lesson question, ``None`` for other questions."""
        if self.lesson is None or self.qid is None:
            _bind_loaded_lessons()
        if self.lesson and self.qid:
            return self.lesson, self.qid
        return None

    @property
    def var(self) -> str:
        """The variable the learner types (``q3``): bound name, else derived from ``练习3``."""
        if self.qid is None:
            _bind_loaded_lessons()
        if self.qid:
            return self.qid
        match = re.search(r"(\d+)\s*$", self.name)
        return f"q{match.group(1)}" if match else ""

    def _see_hint(self) -> str:
        return f"运行 {self.var}.hint() 看提示" if self.var else "运行这道题的 .hint() 看提示"

    def _record(self, event: str, result: str | None = None) -> dict | None:
        where = self.where()
        if where is None:
            return None
        rec = {"format": RECORD_FORMAT, "version": 1, "lesson": where[0], "question": where[1],
               "name": self.name, "event": event}
        if result is not None:
            rec["result"] = result
        who = _current_student()
        if who is not None:  # the same student re-running the notebook gets the same record
            rec["student"], rec["student_id"] = who.name, who.student_id
        return rec

    # ---------------------------------------------------------------- check
    def check(self, answer: Any = Ellipsis) -> CheckResult:
        """Check ``answer`` and return Chinese feedback (never raises).

        A checked answer of a lesson question is recorded for :func:`crmlab.progress`
        and in the cell output (:data:`RECORD_MIME`).
        """
        result = self._check(answer)
        if result.status in (CORRECT, INCORRECT):
            _notify("check", self, result.correct)
            result = CheckResult(result.status, result.message, result.question,
                                 record=self._record("check", result.status))
        return result

    def _check(self, answer: Any) -> CheckResult:
        if _is_unanswered(answer):
            return CheckResult(NOT_ANSWERED, f"把 `...` 换成你的答案后再运行本格。需要帮助可以{self._see_hint()}。",
                               self.name)
        try:
            self._checker(answer)
        except Wrong as exc:
            return self._wrong(str(exc).strip(), exc.hint, answer)
        except Exception as exc:  # a checker tripping over an odd answer type
            message = (f"答案的形式不对，无法检查：你给出的是 {type(answer).__name__} 类型的值，"
                       f"检查时出错（{type(exc).__name__}）。请对照题目要求的类型和列名。")
            return self._wrong(message, None, answer)
        self._last_wrong, self._last_message = None, None
        return CheckResult(CORRECT, "做得好！", self.name)

    def _wrong(self, message: str, reaction: str | None, answer: Any) -> CheckResult:
        message = _SAYS_WRONG.sub("", message, count=1).strip()
        if not message:
            message = f"你交的是 {_short(answer)}，和正确答案不一致。"
        shown = message
        if message == self._last_message:  # the same feedback twice in a row: say something new
            shown = f"{message}（和上一次的反馈一样：{self._see_hint()}，每次运行提示都会多说一点。）"
        self._last_message = message
        self._last_wrong, self._reacted = (message, reaction), False
        return CheckResult(INCORRECT, shown, self.name)

    # ---------------------------------------------------------------- hint / solution
    def hint(self) -> CheckResult:
        """The next hint level; after a wrong check it first reacts to that answer."""
        level = self._hint_calls
        self._hint_calls += 1
        n = len(self._hints)
        if level < n:
            text = self._hints[level]
            title = f"★ 提示 {level + 1}/{n}" if n > 1 else "★ 提示"
        else:
            listed = "\n".join(f"{i}. {h}" for i, h in enumerate(self._hints, start=1)) if n > 1 else self._hints[0]
            text = (f"提示已经全部给出了：\n{listed}\n还是做不出来，可以运行 {self.var or '这道题的 '}.solution() "
                    "看参考答案（会记录下来：老师能看到你看过答案）。")
            title = "★ 提示（全部）"
        if self._last_wrong is not None and not self._reacted:
            message, reaction = self._last_wrong
            text = f"针对你上一次的答案：{reaction or message}\n{text}"
            self._reacted = True
        _notify("hint", self, level + 1)
        return CheckResult(HINT, text, self.name, title=title)

    def solution(self) -> CheckResult:
        """The reference solution; looking at it is recorded (the teacher sees "看过答案")."""
        _notify("solution", self, None)
        shown = self._solution() if callable(self._solution) else self._solution
        text = f"{shown}{_SOLUTION_NOTE_SEP}看参考答案会记录下来；先自己理解每一步，再运行一遍检查。"
        return CheckResult(SOLUTION, text, self.name, record=self._record("solution"))

    def expected(self) -> Any:
        """The reference answer for the teacher's key (computed for the current group when callable)."""
        value = self._expected
        return value() if callable(value) else value

    def __repr__(self) -> str:
        return f"{self.name}：{self.prompt}"


def _current_student():
    return current_student()


def _notify(event: str, question: Question, value: Any) -> None:
    """Save a check / hint / looked-at solution in the progress store; silently skipped on any problem."""
    where = question.where()
    if where is None:
        return
    try:
        if event == "check":
            record_check(*where, bool(value))
        elif event == "solution":
            record_solution(*where)
        elif event == "hint":
            record_hint(*where)
    except Exception:  # recording must never break a check
        pass


# ---------------------------------------------------------------------------
# the lessons' question registry
# ---------------------------------------------------------------------------


def _lesson_name(lesson: Any) -> str:
    text = str(lesson).strip()
    match = re.fullmatch(r"(?:lesson|第)?\s*(\d+)\s*课?", text, flags=re.IGNORECASE)
    if isinstance(lesson, bool) or not match:
        from crmlab._errors import CRMDataError

        raise CRMDataError(f"不认识的课次「{lesson}」：请写 1、2、3 或 4（例如 lesson=1）。")
    return f"lesson{int(match.group(1))}"


def _bind_module(module: Any) -> list[Question]:
    """The ``qN`` questions of a lesson module in definition order, each bound to its lesson and name."""
    match = _LESSON_MODULE.match(getattr(module, "__name__", ""))
    lesson = match.group(1) if match else None
    found = []
    for name, obj in list(vars(module).items()):
        if isinstance(obj, Question) and _QID.fullmatch(name) and obj not in found:
            if obj.qid is None:
                obj.qid = name
            if obj.lesson is None:
                obj.lesson = lesson
            found.append(obj)
    return found


def _bind_loaded_lessons() -> None:
    """Bind the questions of every lesson module already imported (never imports one)."""
    for name, module in list(sys.modules.items()):
        if module is not None and _LESSON_MODULE.match(name):
            _bind_module(module)


def questions(lesson: Any) -> list[Question]:
    """The questions of lesson ``lesson`` (1-4) in notebook order (the order the module defines them)."""
    key = _lesson_name(lesson)
    try:
        module = importlib.import_module(f"crmlab.exercises.{key}")
    except ModuleNotFoundError:
        from crmlab._errors import CRMDataError

        raise CRMDataError(f"没有第{key[6:]}课的练习。") from None
    return _bind_module(module)


# ---------------------------------------------------------------------------
# ready-made questions: choice and number
# ---------------------------------------------------------------------------

_LETTER_SPLIT = re.compile(r"[\s,，、;；/]+")


def _letters(answer: Any, options: Mapping[str, str]) -> set[str]:
    """The learner's choice as a set of option letters; :class:`Wrong` for anything else."""
    if isinstance(answer, str):
        text = unicodedata.normalize("NFKC", answer).strip().upper()
        parts = [p for p in _LETTER_SPLIT.split(text) if p]
        if len(parts) == 1 and parts[0] not in options and all(c in options for c in parts[0]):
            parts = list(parts[0])  # "AC"
    elif isinstance(answer, Iterable) and not isinstance(answer, Mapping):
        parts = [unicodedata.normalize("NFKC", str(a)).strip().upper() for a in answer]
    else:
        raise Wrong(f"请用选项字母作答，例如 answer = \"{next(iter(options))}\"（记得加引号）。")
    unknown = [p for p in parts if p not in options]
    if unknown:
        raise Wrong(f"「{'、'.join(unknown)}」不是选项：这道题的选项是 {'、'.join(options)}，请写选项字母。")
    if not parts:
        raise Wrong(f"你还没有选：请写选项字母，例如 answer = \"{next(iter(options))}\"。")
    return set(parts)


def _choice_checker(options: Mapping[str, str], right: frozenset, explain: Mapping[str, str]) -> Callable:
    def check(answer: Any) -> None:
        chosen = _letters(answer, options)
        if chosen == right:
            return
        if len(right) == 1 and len(chosen) > 1:
            raise Wrong("这道题只有一个正确选项，请只写一个字母。")
        extra = sorted(chosen - right)
        missing = sorted(right - chosen)
        why = [explain[x] for x in extra if x in explain]
        if len(right) == 1:
            raise Wrong(why[0] if why else f"选项 {extra[0]} 不对。再读一遍题目，排除明显不符合的选项。")
        parts = []
        if extra:
            parts.append(f"多选了 {len(extra)} 个不该选的")
        if missing:
            parts.append(f"还少选了 {len(missing)} 个")
        raise Wrong("；".join(parts) + "。" + (" ".join(why) if why else ""))
    return check


def choice(name: str, prompt: str, options: Mapping[str, str], answer: Any, *,
           explain: Mapping[str, str] | None = None, hint: str | Sequence[str], solution: str | None = None,
           tier: str = "基础", **where: Any) -> Question:
    """A (multiple-)choice question; ``answer`` is ``"B"`` or a set like ``{"A", "C"}``."""
    options = {unicodedata.normalize("NFKC", str(k)).strip().upper(): str(v) for k, v in options.items()}
    right = frozenset(_letters(answer, options))
    explain = {unicodedata.normalize("NFKC", str(k)).strip().upper(): str(v) for k, v in (explain or {}).items()}
    shown = "；".join(f"{k}. {v}" for k, v in options.items())
    expected = "；".join(f"{k}（{options[k]}）" for k in sorted(right))
    if solution is None:
        solution = f'answer = "{"".join(sorted(right))}"   # {expected}'
    prompt_text = f"{prompt}\n选项：{shown}" + ("（多选）" if len(right) > 1 else "")
    q = Question(name, prompt_text, _choice_checker(options, right, explain), hint, solution,
                 tier=tier, kind="choice", expected=expected, **where)
    q.options, q.answer_letters = options, right
    return q


def _value(v: Any) -> float:
    return float(v() if callable(v) else v)


def _number_checker(expected: Any, rel: float, abs_: float, unit: str, slips: Sequence) -> Callable:
    def check(answer: Any) -> None:
        want = _value(expected)
        if isinstance(answer, str):
            _typed_number(answer, want, rel, abs_)
        value = _slip_number(answer, "一个数字")
        tol = {"rel": rel, "abs_": abs_}
        if is_close(value, want, **tol):
            return
        for slip, message in slips:
            if is_close(value, _value(slip), **tol):
                raise Wrong(message)
        raise Wrong(_number_fallback(value, want, unit, tol))
    return check


def _typed_number(text: str, want: float, rel: float, abs_: float) -> None:
    """A number typed as text ("35%", "¥1,200") whose digits are right: say exactly how to write it."""
    plain = re.sub(r"[¥￥,，\s元%％]", "", unicodedata.normalize("NFKC", text))
    try:
        digits = float(plain)
    except ValueError:
        return
    if plain == text.strip():
        return  # "0.35" in quotes: accepted as the number it spells
    shown = f"{want:.10g}"
    if is_close(digits, want, rel=rel, abs_=abs_):
        raise Wrong(f"数是对的，但你交的是文字「{text}」：去掉引号和符号，直接写 answer = {shown}。")
    if is_close(digits / 100, want, rel=rel, abs_=abs_):
        raise Wrong(f"你交的是文字「{text}」：这里要写成小数，不加引号和 %，即 answer = {shown}。")


def _number_fallback(value: float, want: float, unit: str, tol: dict) -> str:
    """Feedback for a wrong number that no slip explains: name what kind of mistake it looks like."""
    if want and is_close(value, -want, **tol):
        return "数值对了，符号反了：再想想结果应该是正数还是负数。"
    if want and is_close(value, want * 100, **tol):
        return "大了 100 倍：你写的像是百分数，这里要写小数（例如 35% 写成 0.35）。"
    if want and is_close(value, want / 100, **tol):
        return "小了 100 倍：这里要的是百分数里的那个数（例如 35% 写 35），不是小数。"
    if want and abs(want) >= 1e4 and is_close(value, want / 1e4, **tol):
        return f"单位不对：你写的像是以“万”为单位，这里要的是{unit or '原单位'}，要乘以 10000。"
    side = "大" if value > want else "小"
    return f"你的结果 {value:g}{unit} 比正确答案{side}。回到表格或图里，看清题目问的是哪一行、哪一列。"


def number(name: str, prompt: str, expected: Any, *, rel: float = 0.005, abs_: float | None = None,
           unit: str = "", slips: Sequence[tuple[Any, str]] | None = None, hint: str | Sequence[str],
           solution: str | None = None, tier: str = "基础", **where: Any) -> Question:
    """A question answered by one number read from a table, chart or widget (tolerance ``rel`` / ``abs_``)."""
    abs_tol = 0.0 if abs_ is None else float(abs_)
    slips = list(slips or [])

    def shown() -> str:
        v = _value(expected)
        return f"{v:,.6g}{unit}" if not float(v).is_integer() else f"{int(v):,}{unit}"

    if solution is None:
        def solution() -> str:
            v = _value(expected)
            return f"answer = {int(v) if float(v).is_integer() else round(v, 6)!r}"
    return Question(name, prompt, _number_checker(expected, rel, abs_tol, unit, slips), hint, solution,
                    tier=tier, kind="number", expected=shown, **where)
