"""Answers leaving a student's notebook: :func:`submit` and :func:`submit_from`.

While a notebook is being graded they are written as JSON into the grader's private
folder (``$CRMSIM_ANSWERS_FILE``) and checked *outside* the kernel by the grading process;
on a student's own machine they are only validated and listed. Part of the student API:
``crmsim.course.assignment`` re-exports every name here.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim import i18n

#: Set by the grader only: where :func:`submit` writes the answers JSON.
ANSWERS_ENV = "CRMSIM_ANSWERS_FILE"
#: What the answers file says of an answer the notebook never defined (the grader's
#: feedback gives it in the student's language).
NOT_DEFINED = "not defined when the notebook finished"

_requested: list[str] = []  # student ids the notebook loaded data for (grading only)
_keys: list[str] = []  # the student keys it loaded them with ('' for none)


def record_student(student_id: str, key: str = "") -> None:
    """Note in the answers file that the notebook loaded this student's data, with which
    key (the grader refuses a key that is not the one it derives for the submission)."""
    _requested.append(student_id)
    _keys.append(key)
    _write_answers({}, {})


def to_jsonable(value):
    """Turn an answer into plain JSON data (numbers, strings, lists, string-keyed dicts).

    Series and dicts become ``{str(key): value}``; sets become sorted lists; DataFrames
    become ``{column: {str(index): value}}``; numpy scalars become Python numbers.
    Raises :class:`TypeError` for anything else (functions, modules, ...).
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) else v
    if isinstance(value, pd.DataFrame):
        return {str(c): to_jsonable(value[c]) for c in value.columns}
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=lambda x: (str(type(x)), x))
    if isinstance(value, (list, tuple, np.ndarray, pd.Index)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"an answer cannot be a {type(value).__name__}")


def _write_answers(answers: dict, errors: dict) -> Path | None:
    path = os.environ.get(ANSWERS_ENV)
    if not path:
        return None
    p = Path(path)
    try:
        doc = json.loads(p.read_text())
        if not isinstance(doc, dict):
            raise ValueError
    except (OSError, ValueError):
        doc = {}
    doc.setdefault("answers", {}).update(answers)
    doc.setdefault("errors", {}).update(errors)
    for k in answers:
        doc["errors"].pop(k, None)
    doc["student_ids"] = sorted(set(doc.get("student_ids", [])) | set(_requested))
    doc["student_keys"] = sorted(set(doc.get("student_keys", [])) | set(_keys))
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, allow_nan=False))
    tmp.replace(p)
    return p


def submit(**answers) -> dict:
    """Export named answers for grading, e.g. ``submit(n_buyers=412, top_region="East")``.

    Values may be numbers, strings, lists, sets, dicts, Series or DataFrames. Returns the
    JSON form of what was recorded.
    """
    ok, errors = {}, {}
    for name, value in answers.items():
        try:
            ok[name] = to_jsonable(value)
        except TypeError as exc:
            errors[name] = str(exc)
    _write_answers(ok, errors)
    if not os.environ.get(ANSWERS_ENV):
        for name in ok:
            print(f"recorded {name}")
        for name, msg in errors.items():
            print(f"NOT recorded {name}: {msg}")
    return ok


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


def word_count(text: str) -> int:
    """Length of a written answer in words: whitespace-separated words of English text, plus
    one word per two Chinese characters (汉字; Chinese punctuation not counted), so the word
    limits of written questions mean about the same length in both languages."""
    text = str(text)
    n_cjk = len(_CJK.findall(text))
    rest = _CJK_PUNCT.sub(" ", _CJK.sub(" ", text))
    return len(rest.split()) + (n_cjk + 1) // 2


def _language() -> str:
    """The student's language (``crmsim.i18n``: the Chinese notebook sets zh)."""
    return i18n.get_language()


def submit_from(namespace: dict, names, code=()) -> dict:
    """Export each of ``names`` found in ``namespace`` (usually ``globals()``).

    Names that are not defined are reported as missing instead of failing the cell, so
    one unfinished question does not cost the others. ``code``: names of the functions
    the grader calls on hidden inputs (code answers); on a student's machine the cell
    lists every graded answer, those included, and says what it checked.
    """
    found = {n: namespace[n] for n in names if n in namespace}
    missing = [n for n in names if n not in namespace]
    if missing:
        _write_answers({}, {n: NOT_DEFINED for n in missing})
    if os.environ.get(ANSWERS_ENV):
        return submit(**found)
    ok, errors = {}, {}
    for name, value in found.items():
        try:
            ok[name] = to_jsonable(value)
        except TypeError as exc:
            errors[name] = str(exc)
    zh = _language() == "zh"
    print("需要评分的答案（本单元格只检查每个答案是否存在、形式能否被评分程序读取；它不会在你的"
          "电脑上记录任何内容，也不会发送任何内容）：" if zh else
          "Graded answers (this cell checked that each exists and has a form the grader "
          "can read; it records nothing on your computer and sends nothing):")
    for name in names:
        if name in ok:
            print(f"  {'正常' if zh else 'ok      '} {name}")
        elif name in errors:
            print(f"  {'有问题' if zh else 'PROBLEM '} {name}: {errors[name]}")
        else:
            print(f"  {'缺失' if zh else 'MISSING '} {name}: {'未定义' if zh else 'not defined'}")
    for name in code:
        state = ("正常" if zh else "ok      ") if callable(namespace.get(name)) else \
            ("缺失" if zh else "MISSING ")
        print(f"  {state} {name}()  " + ("（代码答案：评分程序会用你看不到的数据调用它）" if zh
                                         else "(code answer: the grader calls it on data you "
                                         "do not see)"))
    print("请按课程要求提交这个 .ipynb 文件；评分程序会在你自己的数据上从头重新运行它。" if zh
          else "Hand in this .ipynb file as your course asks; the grader re-runs it from the "
          "top on your own data.")
    return ok
