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

#: The grader's per-answer messages (English regex -> Chinese template); others stay English.
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
    (r"^your value (\S+) is not correct(.*)$", r"你的数值 \1 不正确\2"),
    (r" \(asked for (\d+)-(\d+) words\)", r"（要求 \1-\2 个词）"),
    (r" \(see the failed cells below\)", "（见下方出错的单元格）"),
    (r"^expected your written answer as a text$", "文字题答案应为一段文字"),
]


def answer_message_zh(msg: str) -> str:
    """A per-answer message in Chinese where a pattern knows it (else unchanged)."""
    import re

    for pattern, zh in ANSWER_MESSAGES_ZH:
        msg = re.sub(pattern, zh, msg)
    return msg

TYPES_ZH = {"number": "数值", "integer": "整数", "text": "文字", "set": "集合",
            "mapping": "映射", "table": "表格", "choice": "单选", "ranking": "排序",
            "decision": "决策", "written": "文字题"}
