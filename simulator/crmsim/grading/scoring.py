"""Grading one submission: before its run (checks, data, expected values) and after it.

Everything here happens in the grader's process, the only one that knows the course secret:
the student's data is regenerated, the expected answers computed and the hidden inputs
chosen; only the observable data and hidden inputs go to the run (:mod:`.sandbox`); the
answers it exports are compared here by the question types (:mod:`.types`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import nbformat
import numpy as np

from crmsim.course import assignment
from crmsim.course.keys import normalise_key
from crmsim.course.options import interpretation_options, set_choices
from crmsim.grading.exercise import LANGS, Exercise, cell_meta
from crmsim.grading.locked import check_locked, graded_notebook
from crmsim.grading.messages import msg
from crmsim.grading.mistakes import explain, name_mistakes
from crmsim.grading.report import interpret_run
from crmsim.grading.result import Result
from crmsim.grading.sandbox import run_isolated
from crmsim.grading.settings import Options
from crmsim.grading.submissions import Submission
from crmsim.grading.types import Case
from crmsim.grading.wrong import wrong_solutions


class Prepared:
    """Expected answers, hidden inputs and options for one student, in this process."""

    def __init__(self, ex: Exercise, sid: str, opts: Options, solution):
        self.full = assignment.generate(ex.id, sid, secret=opts.secret,
                                        generator=opts.generator)
        self.observable = assignment.observable(self.full)
        seed = assignment.seed_for(ex.id, sid, opts.secret, purpose="hidden")
        rng = np.random.default_rng(seed)
        make_hidden = getattr(solution, "hidden_inputs", None)
        self.hidden = make_hidden(self.observable, rng) if make_hidden else {}
        self.expected = solution.expected(self.full, self.hidden)
        options = interpretation_options(ex, solution, self.full, self.hidden)
        set_choices(self.observable, options)
        for q in ex.questions:
            if q.id in options:
                self.expected[q.answers[0]] = options[q.id]
        self.solution = solution


def data_note(secret: str | None, lang: str = "en") -> str:
    """Which data a grade used, and why a number can differ from what the student saw."""
    practice = (secret if secret is not None else assignment.course_secret()) \
        == assignment.DEFAULT_SECRET
    return msg("fb.practice_data" if practice else "fb.course_data").render(lang)


def expected_key(student_id: str, secret: str | None) -> str:
    """The key issued to ``student_id`` (normalised), or '' in a course without a secret."""
    secret = assignment.course_secret() if secret is None else secret
    if secret == assignment.DEFAULT_SECRET:
        return ""
    return normalise_key(assignment.student_key(student_id, secret))


def check_keys(job: Job, used: list) -> bool:
    """Whether the notebook loaded its data with another key than the student's own
    (status and note added); a notebook with no key gets a note only."""
    res = job.result
    if not job.key:
        return False
    wrong = [str(k)[-4:] for k in used if k and k != job.key]
    if wrong:
        res.add("wrong_student_key")
        res.notes.append(msg("note.wrong_key", tail=", ".join(wrong), sid=repr(res.student_id)))
        return True
    if "" in used or not used:
        res.notes.append(msg("note.no_key"))
    return False


@dataclass
class Job:
    """What the grader keeps about a submission while its notebook runs elsewhere."""

    result: Result
    prep: Prepared | None = None
    labels: list = field(default_factory=list)
    zeroed: set = field(default_factory=set)
    key: str = ""  # the student's key the grader derives ('' in a course without a secret)
    export: list = field(default_factory=list)  # answers the export cell exports
    mistakes: bool = False  # name known mistakes (Options.name_mistakes)
    run_args: tuple | None = None  # arguments of run_job; None: nothing to run


def fail(ex: Exercise, res: Result, exc: BaseException, where: str) -> Result:
    """Zero a submission the grader failed on (one submission never stops the batch)."""
    res.scores = {q.id: 0.0 for q in ex.questions}
    res.add("grader_error")
    res.notes.append(msg("note.grader_failed"))
    print(f"grader error on {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return res


def _read_notebook(ex: Exercise, sub: Submission, res: Result):
    """The parsed notebook, or ``None`` with the status that says why it is not graded."""
    try:
        nb = nbformat.reads(sub.raw.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - every parse failure is the same status
        res.add("malformed_notebook")
        res.notes.append(msg("note.unreadable", error=f"{type(exc).__name__}: "
                             f"{str(exc).splitlines()[0][:200] if str(exc) else ''}"))
        return None
    crm = nb.metadata.get("crmsim")
    meta_ex = crm.get("exercise") if isinstance(crm, dict) else None
    if meta_ex is not None and meta_ex != ex.id:
        res.add("wrong_exercise")
        res.notes.append(msg("note.wrong_exercise", got=repr(str(meta_ex)[:60]),
                             expected=repr(ex.id)))
        return None
    if isinstance(crm, dict) and crm.get("lang") in LANGS:
        res.lang = crm["lang"]  # a notebook released with --lang zh: feedback in Chinese
    return nb


def prepare(ex: Exercise, sub: Submission, opts: Options, solution, isolation: str,
            marks: dict | None = None) -> Job:
    """Everything before the run, in the grader's process: checks, data, expected values."""
    res = Result(student_id=sub.student_id, submission=sub.path, sha256=sub.sha256)
    res.marks = dict((marks or {}).get(sub.student_id, {}))
    res.scores = {q.id: 0.0 for q in ex.questions}
    job = Job(res)
    if sub.status:
        res.add(sub.status)
        return job
    try:
        nb = _read_notebook(ex, sub, res)
        if nb is None:
            return job
        job.zeroed = check_locked(ex, nb, res)
        job.prep = Prepared(ex, sub.student_id, opts, solution)
        job.key = expected_key(sub.student_id, opts.secret)
        res.data_note = data_note(opts.secret, res.lang)
        hidden_q = {cell_meta(c).get("question") for c in ex.cells("hidden")}
        export = [a for q in ex.questions if q.id not in hidden_q for a in q.answers]
        gnb, job.labels = graded_notebook(ex, nb, export)
        job.export, job.mistakes = export, opts.name_mistakes
        n_code = sum(1 for c in gnb.cells if c.cell_type == "code")
        cell_timeout = opts.cell_timeout or ex.cell_timeout
        wall = opts.wall_timeout or min(n_code * (cell_timeout + 6) + 60, 1800)
        bundle = {"exercise_id": ex.id, "student_id": sub.student_id,
                  "data": job.prep.observable, "hidden": job.prep.hidden}
        job.run_args = (nbformat.writes(gnb), bundle, cell_timeout, wall, opts.memory_mb,
                        isolation, opts.keep_temp, opts.disk_mb)
    except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
        fail(ex, res, exc, sub.path)
        job.run_args = None
    return job


def run_job(nb_json, bundle, cell_timeout, wall, memory_mb, isolation, keep, disk_mb,
            cancel=None):
    """The part of a submission that runs on a worker: the sandboxed notebook run only."""
    try:
        return run_isolated(nb_json, bundle, cell_timeout=cell_timeout, wall_timeout=wall,
                            memory_mb=memory_mb, isolation=isolation, keep=keep,
                            cancel=cancel, disk_mb=disk_mb)
    except Exception as exc:  # noqa: BLE001 - reported as this submission's grader_error
        return {"error": f"{type(exc).__name__}: {exc}"}


def _export_error(error):
    """Why an answer is missing: not exported, never defined, or what the kernel said."""
    if error is None:
        return msg("answer.not_exported")
    if error == assignment.NOT_DEFINED:
        return msg("answer.not_defined")
    return str(error)[:200]


def finish(ex: Exercise, job: Job, run: dict) -> Result:
    """Interpret a run and compare its answers with the expected values (in the grader)."""
    res = job.result
    if "error" in run:
        return fail(ex, res, RuntimeError(run["error"]), res.submission)
    res.isolation = run["isolation"]
    interpret_run(run, job.labels, res)
    doc = run["answers"] or {}
    answers = doc.get("answers") if isinstance(doc.get("answers"), dict) else {}
    errors = doc.get("errors") if isinstance(doc.get("errors"), dict) else {}
    used = doc.get("student_ids") if isinstance(doc.get("student_ids"), list) else []
    sid = res.student_id
    wrong_id = [str(u)[:64] for u in used if u != sid]
    if wrong_id:
        res.add("wrong_student_id")
        res.notes.append(msg("note.wrong_student", ids=", ".join(wrong_id), sid=repr(sid)))
    keys = doc.get("student_keys") if isinstance(doc.get("student_keys"), list) else []
    wrong_key = check_keys(job, keys) if used else False
    failed_q = {q for _, _, q in res.failed_cells if q}
    missing = False
    failed = {}  # answer name -> question, for the answers that are there but wrong
    for q in ex.questions:
        shares = []
        for name in q.answers:
            res.expected[name] = job.prep.expected.get(name)
            if name in answers:
                res.exported[name] = answers[name]
                case = Case(expected=job.prep.expected.get(name), solution=job.prep.solution,
                            data=job.prep.full, result=res)
                share, why = q.kind.check(q, answers[name], case)
                if share < 1.0 and not q.manual:
                    failed[name] = q
            else:
                missing = True
                share = 0.0
                why = msg("answer.missing", why=_export_error(errors.get(name)),
                          see=msg("answer.see_failed") if q.id in failed_q else "")
            res.answers[name] = (share >= 1.0, why)
            shares.append(share)
        zero = q.id in job.zeroed or bool(wrong_id) or wrong_key
        share = 0.0 if zero else min(shares)
        res.scores[q.id] = round(float(q.points) * share, 2)
    if missing:
        res.add("missing_answers")
    if failed and job.mistakes and not wrong_id and not wrong_key:
        _name_mistakes(ex, job, failed, answers)
    job.prep.full = job.prep.observable = None  # a class's data need not stay in memory
    return res


def _name_mistakes(ex: Exercise, job: Job, failed: dict, answers: dict) -> None:
    """Name, in the failed answers' verdicts, the known mistakes they equal."""
    try:
        named = name_mistakes(ex, wrong_solutions(ex), failed, answers, job.run_args[1],
                              job.export)
    except Exception as exc:  # noqa: BLE001 - naming a mistake never costs a grade
        print(f"grader: mistakes of {job.result.submission} not named: {exc}", file=sys.stderr)
        return
    for name, mistake in named.items():
        ok, why = job.result.answers[name]
        job.result.answers[name] = (ok, explain(why, mistake))
        job.result.mistakes[name] = mistake
