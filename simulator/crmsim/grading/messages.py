"""The fixed sentences of the feedback in Chinese (a Chinese student's submission, i.e. a
notebook released with ``--lang zh``). English text stays in the grader's code; a sentence
missing here falls back to it. Terms as in the course's glossary."""

from __future__ import annotations

STATUSES_ZH = {
    "not_graded": "评分在这份作业运行前被中断；暂无分数",
    "unreadable_file": "提交的文件是符号链接、特殊文件或超过大小上限；未被打开",
    "malformed_notebook": "该文件不是可读取的 Jupyter 笔记本；未运行任何内容",
    "invalid_student_id": "文件名或文件夹名中没有有效的学号；未运行任何内容",
    "duplicate_student_id": "另一份作业使用了相同的学号；未运行任何内容",
    "wrong_exercise": "该笔记本属于另一个练习；未运行任何内容",
    "grader_error": "评分程序在这份作业上出错（教师已收到详细信息）",
    "wrong_student_id": "笔记本加载了其他学生的数据；所有题目得 0 分",
    "modified_cells": "锁定的单元格（设置或测试）被修改或删除；它们所属的题目得 0 分",
    "kernel_died": "Python 内核崩溃（程序崩溃、os._exit 或内存不足）",
    "timeout": "某个单元格运行时间超过上限，已被中断",
    "memory_limit": "某个单元格需要的内存超过上限",
    "cell_errors": "部分单元格运行出错",
    "missing_answers": "部分答案没有导出",
    "awaiting_marks": "文字题答案等待教师人工评分；在教师合并分数之前按 0 分计",
    "ok": "全部运行完毕，每个答案都已导出",
}

ZH = {
    "Feedback": "评分反馈",
    "student": "学号",
    "submission": "提交文件",
    "score": "得分",
    "status": "状态",
    "isolation": "隔离方式",
    "batch": "批次",
    "batch stopped": "评分被中止；这不是最终结果",
    "Questions": "题目",
    "question": "题目",
    "type": "题型",
    "points": "分数",
    "result": "结果",
    "not checked": "未检查",
    "passed": "通过",
    "partly": "部分正确",
    "failed": "未通过",
    "correct": "正确",
    "awaiting marks by hand": "等待人工评分",
    "Hints": "失分题目的提示",
    "Failed cells": "出错的单元格",
    "Notes": "备注",
    "Data": "本次评分使用的数据",
    "closing": "隐藏检查把你导出的答案与评分程序根据你自己的数据算出的值进行比较；"
               "不显示期望值。",
    "practice data": "使用练习数据评分：与你在自己电脑上用学号调用 `assignment.load` 得到的"
                     "表格相同（没有设置课程密钥），所以你的数字应当与你看到的一致。",
    "course data": "使用你个人的课程数据评分：由课程密钥和你的学号生成，你自己的电脑上没有"
                   "这个密钥。评分时在这份数据上重新运行了你的笔记本，所以由你的代码计算出的"
                   "答案会在这份数据上重新计算和检查；手工输入的数字（或抄自你在家看到的结果）"
                   "可能与评分时的值不同，因而不通过。",
}

#: The grader's per-answer messages (English regex -> Chinese template), applied in order;
#: ``tests/test_grading_messages_zh.py`` drives every message of the checks through them.
ANSWER_MESSAGES_ZH = [
    (r"^correct$", "正确"),
    (r"^your decision is as good as the best one the grader tried$",
     "你的决策与评分程序尝试过的最佳决策一样好"),
    (r"^your decision does no better than doing nothing$", "你的决策并不比什么都不做更好"),
    (r"^your decision achieves (\d+%) of the improvement over doing nothing that the best "
     r"decision the grader tried achieves$",
     r"相对于什么都不做，评分程序所试最佳决策带来的改进，你的决策达到了其中的 \1"),
    (r"^your decision is not allowed: (.*)$", r"你的决策不被允许：\1"),
    (r"^your decision could not be simulated: (.*)$", r"你的决策无法模拟：\1"),
    (r"^(\d+) words recorded for marking by hand(.*)$", r"已记录 \1 个词，等待人工评分\2"),
    (r"^marked by hand: (.*)$", r"人工评分：\1"),
    (r"^no answer: not exported(.*)$", r"没有答案：未导出\1"),
    (r"^no answer: (.*)$", r"没有答案：\1"),
    (r"^(.*) is not the option your data supports best$", r"\1 不是你的数据最支持的选项"),
    (r"^(.*) is not one of your options: answer with one label from data\.options\(\.\.\.\) "
     r"exactly as printed$",
     r"\1 不是你的选项之一：请从 data.options(...) 中选一个标签，按打印出的样子原样作答"),
    (r"^expected one option label \(a text\), got (\S+)$",
     r"应为一个选项标签（文字），实际得到 \1"),
    (r"^expected a list of option labels, got (\S+)$", r"应为由选项标签组成的列表，实际得到 \1"),
    (r"^your list is not an order of exactly your options \(each label of data\.options\(\.\.\.\)"
     r" once\)$", "你的列表不是你全部选项的一个排序（data.options(...) 的每个标签恰好出现一次）"),
    (r"^(\d+) of (\d+) pairs in the right order \(Kendall's tau (\S+); points x max\(0, tau\)\)$",
     r"\2 对中有 \1 对顺序正确（肯德尔 τ = \3；得分 = 分值 × max(0, τ)）"),
    (r"^your value (\S+) is not correct(.*)$", r"你的数值 \1 不正确\2"),
    (r" \(not within tolerance\)", "（不在容差范围内）"),
    (r"^the answer is None/NaN$", "答案是 None/NaN（空值）"),
    (r"^expected a number, got (.*)$", r"应为一个数，实际得到 \1"),
    (r"^expected a whole number, got (.*)$", r"应为整数，实际得到 \1"),
    (r"^no expected value could be computed \(reported to the instructor\)$",
     "评分程序无法算出期望值（已报告给教师）"),
    (r"^expected a text, got (.*)$", r"应为一段文字，实际得到 \1"),
    (r"^(.*) is not the right answer$", r"\1 不是正确答案"),
    (r"^expected a set/list, got (.*)$", r"应为集合或列表，实际得到 \1"),
    (r"^your (\d+) items differ from the expected set: (\d+) should not be there, (\d+) are "
     r"missing$", r"你的 \1 项与期望的集合不同：其中 \2 项不应出现，另缺少 \3 项"),
    (r"^expected a table, got (.*)$", r"应为表格，实际得到 \1"),
    (r"^missing columns: (.*)$", r"缺少列：\1"),
    (r"^column ('[^']*'): ", r"列 \1："),
    (r"expected a mapping/Series, got (\S+)", r"应为映射或 Series，实际得到 \1"),
    (r"(\d+) keys missing", r"缺少 \1 个键"),
    (r"(\d+) unexpected keys", r"多出 \1 个键"),
    (r"(\d+) of (\d+) values not correct", r"\2 个值中有 \1 个不正确"),
    (r"^unknown answer type (.*)$", r"未知的答案类型 \1"),
    (r" \(asked for (\d+)-(\d+) words\)", r"（要求 \1-\2 个词）"),
    (r" \(see the failed cells below\)", "（见下方出错的单元格）"),
    (r"^expected your written answer as a text$", "文字题答案应为一段文字"),
]

#: Notes and failed-cell lines of the feedback (English regex -> Chinese template).
NOTES_ZH = [
    (r"^text cell `([^`]*)` was (deleted|duplicated|edited) \(no effect on points\)$",
     r"文字单元格 `\1` 被\2（不影响得分）"),
    (r"^locked cell `([^`]*)` was (deleted|duplicated|edited): question (\S+) scores 0$",
     r"锁定的单元格 `\1` 被\2：题目 \3 得 0 分"),
    (r"^locked cell `([^`]*)` was (deleted|duplicated|edited): every question \(it is a setup "
     r"cell\) scores 0$", r"锁定的单元格 `\1` 被\2：所有题目得 0 分（它是设置单元格）"),
    (r"被deleted", "被删除"), (r"被duplicated", "被复制"), (r"被edited", "被修改"),
    (r"^the grader failed; your instructor has been told$", "评分程序出错；已通知教师"),
    (r"^could not read the notebook: (.*)$", r"无法读取笔记本：\1"),
    (r"^this notebook is exercise (.*), not (.*)$", r"这个笔记本属于练习 \1，而不是 \2"),
    (r"^the notebook loaded data for student id\(s\) (.*), but this submission is (.*); set "
     r"STUDENT_ID to your own id$",
     r"笔记本加载了学号 \1 的数据，但这份作业属于 \2；请把 STUDENT_ID 设为你自己的学号"),
    (r"^the kernel died while running cell `([^`]*)`; later cells did not run$",
     r"运行单元格 `\1` 时内核崩溃；之后的单元格没有运行"),
    (r"^the notebook was stopped after (\d+) s in total$", r"笔记本总共运行 \1 秒后被中止"),
    (r"^pytest could not collect the notebook$", "pytest 无法收集这个笔记本"),
    (r"^the test run ended without a report$", "测试运行结束时没有生成报告"),
    (r" \(question (\S+)\)$", r"（题目 \1）"),
    (r"^a hidden test of this question raised: ", "本题的隐藏检查抛出了异常："),
    (r" at the line `", " 出错的代码行 `"),
]


def _apply(patterns, msg: str) -> str:
    import re

    for pattern, zh in patterns:
        msg = re.sub(pattern, zh, msg)
    return msg


def note_zh(msg: str) -> str:
    """A note or failed-cell line of the feedback in Chinese where a pattern knows it."""
    return _apply(NOTES_ZH, msg)


def answer_message_zh(msg: str) -> str:
    """A per-answer message in Chinese where a pattern knows it (else unchanged)."""
    return _apply(ANSWER_MESSAGES_ZH, msg)

TYPES_ZH = {"number": "数值", "integer": "整数", "text": "文字", "set": "集合",
            "mapping": "映射", "table": "表格", "choice": "单选", "ranking": "排序",
            "decision": "决策", "written": "文字题"}
