"""Autograding of crmsim exercises: release student notebooks, grade submissions.

Beyond nbgrader and otter-grader: every student gets personalised simulated data
(:mod:`crmsim.course.assignment`), and hidden checks run in the grader's own process on
answers the notebook exports, so code in the notebook cannot change what a check sees.
One concern per module: ``exercise`` (the spec), ``cells``, ``release``, ``wrong``,
``submissions`` (reading them),
``sandbox`` (the isolation boundary), ``locked`` (the graded notebook), ``report`` (reading
a run), ``types`` (question types, one module each), ``scoring``, ``batch``, ``gradebook``,
``marks`` (written answers), ``feedback`` and ``messages`` (both languages, by key).
See ``exercises/README.md``.
"""

from crmsim.grading import sandbox
from crmsim.grading.batch import Interrupted, grade
from crmsim.grading.exercise import Exercise, available, load_exercise
from crmsim.grading.release import release, student_version
from crmsim.grading.result import STATUSES, Result
from crmsim.grading.settings import Options

__all__ = ["STATUSES", "Exercise", "Interrupted", "Options", "Result", "available",
           "grade", "load_exercise", "release", "sandbox", "student_version"]
