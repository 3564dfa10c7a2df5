"""Attributes IBM's process definition (identify, select, acquire, develop, keep) to Gartner.

Gartner coined CRM and stresses an all-round view and communication to maximise
profitability; the five-step process is IBM's."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("attributed IBM's five-step process definition to Gartner"),
    "zh": ("把 IBM 的五步流程定义归给了 Gartner"),
}

LOSES = ["q5"]
CELLS = {"q5-answer": '''
quiz = {"a": "A", "b": "B", "c": "B", "d": "B", "e": "C", "f": "A", "g": "C", "h": "A",
        "i": "A", "j": "A", "k": "B", "l": "A"}
'''}
