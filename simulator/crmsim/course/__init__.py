"""Course tooling: the student API, the exercises' data and options, translations, coverage.

``assignment`` is what a student's notebook imports (personalised data, and the answer
export of ``answers``); it needs nothing of :mod:`crmsim.grading`, which builds on this
package, never the reverse. ``exercises`` says where the exercises live and which data
each hands its students, ``options`` orders the options of choice and ranking questions,
``translations`` keeps the two languages in step, ``coverage`` and ``paramdocs`` generate
course documents.
"""
