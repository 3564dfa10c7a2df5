"""Autograding of crmsim exercises: release student notebooks, grade submissions.

Beyond nbgrader and otter-grader: every student gets personalised simulated data
(:mod:`crmsim.assignment`), and hidden checks run in the grader's own process on answers
the notebook exports, so code in the notebook cannot change what a check sees.
See ``exercises/README.md``.
"""

from crmsim.grading.exercise import Exercise, available, load_exercise, release, student_version
from crmsim.grading.grader import STATUSES, Options, Result, grade

__all__ = ["STATUSES", "Exercise", "Options", "Result", "available", "grade", "load_exercise",
           "release", "student_version"]
