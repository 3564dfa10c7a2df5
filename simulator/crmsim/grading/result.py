"""One submission's result: scores, statuses, answer checks, notes, in the grader's process.

:data:`STATUSES` are the gradebook's status codes, most severe first; a row's status lists
every one that applies. Their sentences are in the catalogue (``status.<code>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmsim.grading.messages import text

STATUS_ORDER = ("not_graded", "unreadable_file", "malformed_notebook", "invalid_student_id",
                "duplicate_student_id", "wrong_exercise", "grader_error", "wrong_student_id",
                "wrong_student_key",
                "modified_cells", "kernel_died", "disk_limit", "timeout", "memory_limit",
                "cell_errors", "missing_answers", "awaiting_marks", "ok")
#: status code -> what it means (English; ``text("status.<code>", "zh")`` in Chinese)
STATUSES = {code: text(f"status.{code}") for code in STATUS_ORDER}


@dataclass
class Result:
    student_id: str
    submission: str
    scores: dict = field(default_factory=dict)
    statuses: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)  # answer name -> (passed, message)
    notes: list = field(default_factory=list)  # messages (crmsim.grading.messages.Msg)
    failed_cells: list = field(default_factory=list)  # (label, message, question)
    seconds: float = 0.0
    sha256: str = ""
    isolation: str = "not_run"  # sandbox.ISOLATIONS key, or not_run
    written: dict = field(default_factory=dict)  # question id -> the written answer
    marks: dict = field(default_factory=dict)  # question id -> (points, comment), by hand
    data_note: str = ""  # which data the grade used, and why numbers may differ
    lang: str = "en"  # language of the submitted notebook and of its feedback
    exported: dict = field(default_factory=dict)  # answer name -> the value the run exported
    expected: dict = field(default_factory=dict)  # answer name -> the value it was checked on
    mistakes: dict = field(default_factory=dict)  # answer name -> the known mistake it equals

    def add(self, status):
        if status not in self.statuses:
            self.statuses.append(status)

    @property
    def status(self) -> str:
        st = sorted(self.statuses, key=STATUS_ORDER.index) or ["ok"]
        return ";".join(st)

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))
