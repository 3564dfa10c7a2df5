"""`grade --scheduler` and `compare --scheduler` on a local Dask cluster the test starts:
the same rows and the same table as local runs (crmsim.parallel.run_tasks)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.comparison import compare  # noqa: E402
from crmsim.grading import Options, grade, load_exercise, sandbox  # noqa: E402

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as c:
        yield c.scheduler_address


def test_compare_on_dask_equals_local(cluster):
    kw = dict(strategies=["none", "loyalty_program"], replications=2, seed=3, customers=120,
              years=0.5)
    local = compare("retail", n_jobs=1, **kw)
    remote = compare("retail", scheduler=cluster, **kw)
    pd.testing.assert_frame_equal(local, remote)


@pytest.mark.skipif(sandbox.problem() is not None,
                    reason=f"SANDBOX CANNOT RUN HERE: {sandbox.problem()}")
def test_grade_on_dask(cluster, tmp_path):
    ex = load_exercise("ex02-segmentation", S.EXERCISES)
    subs = tmp_path / "subs"
    S.write(S.solved(ex, "solved"), subs / "solved.ipynb")
    S.write(S.stub(ex, "stub"), subs / "stub.ipynb")
    (subs / "broken.ipynb").write_text("{")
    res = {r.student_id: r for r in grade(ex, subs, tmp_path / "out",
                                          Options(cell_timeout=30, scheduler=cluster,
                                                  secret="dask-test-secret"))}
    assert res["solved"].status == "awaiting_marks"  # q6 is a written answer
    assert res["solved"].total == ex.max_points - sum(q.points for q in ex.questions if q.manual)
    assert res["solved"].isolation == "bwrap"
    assert res["stub"].total == 0 and "missing_answers" in res["stub"].status
    assert res["broken"].status == "malformed_notebook"
