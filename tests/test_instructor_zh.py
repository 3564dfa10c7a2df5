"""Chinese instructor materials (exercises/<id>/INSTRUCTOR.zh.md) are complete and current.

They are rendered like the English ``INSTRUCTOR.md`` (:mod:`crmsim.grading.materials`) from the
same spec, solution and wrong solutions: the Chinese titles, hints and objectives come from each
``exercise.toml``, the rubric criteria, scoring rules and documented mistakes from
``exercises/zh/instructor.toml``; the answer key is the same code. After a change, regenerate
with ``python tests/test_instructor_zh.py``.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import tomllib

from crmsim.grading.exercise import available, cell_meta, load_exercise, wrong_solutions
from crmsim.grading.materials import _fence, render, solution_code

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
TRANSLATIONS = EXERCISES / "zh" / "instructor.toml"
FILE = "INSTRUCTOR.zh.md"
TYPES = {"mapping": "映射", "choice": "单选", "decision": "决策", "written": "文字题",
         "integer": "整数", "number": "数值", "code": "代码", "ranking": "排序",
         "interpretation": "解读", "text": "文本", "list": "列表", "table": "表格",
         "multi": "多选", "boolean": "判断", "set": "集合"}


def _zh(text: str, table: dict, missing: list) -> str:
    text = " ".join(text.split())
    if text not in table:
        missing.append(text)
        return text
    return table[text]


def _points(x: float) -> str:
    return f"{x:g} 分"


def render_zh(ex, table: dict, missing: list) -> str:
    """The Chinese instructor materials of one exercise (``missing`` collects untranslated text)."""
    solution = ex.solution_module()
    spec = tomllib.loads((ex.folder / "exercise.toml").read_text(encoding="utf-8"))
    t = lambda s: _zh(s, table, missing)  # noqa: E731
    lines = [f"# {ex.title_zh or ex.title}：教师材料", "",
             f"<!-- 由 tests/test_instructor_zh.py 根据 exercise.toml、{ex.solution.name}、"
             f"{ex.notebook.name}、wrong/ 和 exercises/zh/instructor.toml 生成；"
             "请勿手工编辑 -->", "",
             "英文版：[INSTRUCTOR.md](INSTRUCTOR.md)。", "",
             f"- 练习：`{ex.id}`（第{ex.unit}讲）",
             f"- 预计用时：{ex.minutes:g} 分钟",
             f"- 总分：{ex.max_points:g} 分", "", "## 学习目标", ""]
    lines += [f"- {o}" for o in spec.get("objectives_zh", ex.objectives)]
    lines += ["", "## 题目", "", "| 题目 | 题型 | 分值 | 知识点 | 答案变量 |",
              "|---|---|---|---|---|"]
    for q in ex.questions:
        lines.append(f"| {q.id} {q.title_zh} | {TYPES.get(q.type, q.type)} | {q.points:g} | "
                     f"{', '.join(map(str, q.topics))} | "
                     f"{', '.join(f'`{a}`' for a in q.answers)} |")
    written = [q for q in ex.questions if q.manual]
    if written:
        lines += ["", "## 评分细则（文字题）", ""]
        for q in written:
            lines += [f"### {q.id} {q.title_zh}", "",
                      f"篇幅 {q.words[0]}–{q.words[1]} 词（中文每两个汉字计一词，约 "
                      f"{2 * q.words[0]}–{2 * q.words[1]} 字），{_points(q.points)}。", "",
                      "| 分值 | 评分要点 |", "|---|---|"]
            lines += [f"| {c['points']:g} | {t(c['criterion'])} |" for c in q.rubric]
            lines.append("")
    lines += ["", "## 参考答案", "",
              "取自源笔记本的参考答案单元格；每位学生的数据不同，"
              "所以参考答案是代码而不是数值。", ""]
    for q in ex.questions:
        kind = TYPES.get(q.type, q.type)
        lines += [f"### {q.id} {q.title_zh}（{kind}，{_points(q.points)}）", "",
                  f"失分时给出的提示：{q.hint_zh}", ""]
        for c in ex.cells("solution"):
            if cell_meta(c).get("question") == q.id:
                lines += _fence(solution_code(c.source)) + [""]
        for key in ("options", "candidates", "evaluate", "budget"):
            name = getattr(q, key)
            if name:
                lines += [f"评分程序的 `{key}` 函数（`{ex.solution.name}`）：", ""]
                lines += _fence(inspect.getsource(getattr(solution, name)).rstrip()) + [""]
        if q.kind.scoring:
            lines += [t(q.kind.scoring), ""]
    wrong = wrong_solutions(ex)
    lines += ["## 常见错误", ""]
    if not wrong:
        lines += ["暂无记录。", ""]
    for w in wrong:
        first, *rest = w.mistake.split("\n\n", 1)
        lines += [f"- **{t(first)}**（失分：{', '.join(w.loses)}；`wrong/{w.name}.py`）"
                  + (t(rest[0]) if rest else "")]
    lines.append("")
    return "\n".join(lines)


def _table() -> dict:
    return tomllib.loads(TRANSLATIONS.read_text(encoding="utf-8"))["zh"]


def rendered() -> tuple[dict[Path, str], list[str]]:
    table, missing, out = _table(), [], {}
    for name in available(EXERCISES):
        ex = load_exercise(name, EXERCISES)
        out[ex.folder / FILE] = render_zh(ex, table, missing)
    return out, missing


def test_every_sentence_has_a_chinese_translation_and_none_is_unused():
    files, missing = rendered()
    assert not missing, f"add to {TRANSLATIONS.name}: {missing[:3]}"
    text = "\n".join(files.values())
    unused = [en for en, zh in _table().items() if zh not in text]
    assert not unused, f"translations no longer used: {unused[:3]}"


def test_every_exercise_has_current_chinese_materials():
    files, _ = rendered()
    stale = [p.relative_to(ROOT).as_posix() for p, text in files.items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"run python tests/test_instructor_zh.py: {stale}"


def test_the_chinese_key_is_the_english_key():
    """Same questions, points and solution code in both languages."""
    ex = load_exercise("ex02-segmentation", EXERCISES)
    en = render(ex)
    zh = (ex.folder / FILE).read_text(encoding="utf-8")
    assert 't = transactions[transactions["date"] <= cutoff]' in en and \
        't = transactions[transactions["date"] <= cutoff]' in zh
    en_code = [b for b in en.split("```python")[1:]]
    zh_code = [b for b in zh.split("```python")[1:]]
    assert [b.split("```")[0] for b in en_code] == [b.split("```")[0] for b in zh_code]
    for q in ex.questions:
        assert f"| {q.id} {q.title_zh} |" in zh and q.hint_zh in zh
    assert "边界错误" in zh and "Boundary error" not in zh


if __name__ == "__main__":
    files, missing = rendered()
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        sys.exit(1)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print("wrote", path.relative_to(ROOT))
