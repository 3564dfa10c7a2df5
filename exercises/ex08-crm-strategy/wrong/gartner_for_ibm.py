"""Attributes IBM's process definition (identify, select, acquire, develop, keep) to Gartner.

Gartner coined CRM and stresses an all-round view and communication to maximise
profitability; the five-step process is IBM's."""

LOSES = ["q5"]
CELLS = {"q5-answer": '''
quiz = {"a": "A", "b": "B", "c": "B", "d": "B", "e": "C", "f": "A", "g": "C", "h": "A",
        "i": "A", "j": "A", "k": "B", "l": "A"}
'''}
