"""A plain ``pip install crmsim`` is the simulator and the toolkit: they import and run with
none of the optional extras, and a command of a missing extra says which one to install."""

import json
import subprocess
import sys
import textwrap

import pytest

from crmsim.errors import extras_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OPTIONAL = ("course", "grade", "game", "cluster")


def _modules(extras) -> list[str]:
    """Top-level modules the extras bring (from the installed metadata), plus the large
    packages they pull in that the simulator must not need."""
    from importlib import metadata

    names = {"IPython", "werkzeug", "dask", "zmq", "tornado", "notebook", "jupyter_server"}
    for spec in metadata.requires("crmsim"):
        name = spec.split(";")[0].split("[")[0]
        for op in "<>=!~ ":
            name = name.split(op)[0]
        module = name.lower().replace("-", "_")
        if set(extras_of(module)) & set(extras):
            names.add(module)
    return sorted(names)


BLOCKER = """
import importlib.abc, sys
BLOCKED = set({blocked!r})
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Blocked())
"""


def _run(code: str, blocked, tmp_path) -> subprocess.CompletedProcess:
    script = BLOCKER.format(blocked=blocked) + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)


def test_the_blocker_blocks():
    r = subprocess.run([sys.executable, "-c", BLOCKER.format(blocked=["flask"]) +
                        "import flask"], capture_output=True, text=True)
    assert r.returncode == 1 and "No module named 'flask'" in r.stderr


def test_the_extras_name_what_the_simulator_must_not_need():
    mods = _modules(OPTIONAL)
    for name in ("jupyterlab", "flask", "sqlalchemy", "distributed", "nbval", "pytest",
                 "nbclient", "ipywidgets"):
        assert name in mods


def test_simulator_and_toolkit_run_without_any_extra(tmp_path):
    r = _run("""
        import json
        import crmsim
        from crmsim import rounds
        from crmsim.analysis import rfm, clv, pyramid
        res = crmsim.simulate("retail", customers=300, years=0.5, seed=1,
                              strategies=["loyalty_program"])
        table = crmsim.compare("retail", ["none", "win_back"], replications=2,
                               customers=200, years=0.3, n_jobs=1)
        scores = rfm.rfm_table(res.transactions)
        rollout = crmsim.simulate_rollout(seed=1)
        m = rounds.open_market("retail", customers=200, years=0.5)
        rounds.advance(m, {"seats": 5}, days=30)
        fig = __import__("crmsim.plots").plots.report_figure(res.kpis)
        print(json.dumps({"orders": len(res.transactions), "rows": len(table),
                          "rfm": len(scores), "modules": sorted(sys.modules)}))
        """, _modules(OPTIONAL), tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["orders"] > 0 and out["rows"] == 2 and out["rfm"] > 0
    loaded = {m.partition(".")[0] for m in out["modules"]}
    assert not loaded & set(_modules(OPTIONAL))


def test_the_simulate_command_runs_without_any_extra(tmp_path):
    r = _run("""
        from crmsim.cli import main
        sys.exit(main(["simulate", "--customers", "200", "--years", "0.2", "--quiet",
                       "--out", "run", "--report"]))
        """, _modules(OPTIONAL), tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "run" / "report.png").is_file()


@pytest.mark.parametrize("argv, extra", [
    (["game", "status", "--token", "x", "--db", "sqlite:///g.db"], "game"),
    (["grade", "ex02-segmentation", "--submissions", "subs", "--out", "graded"], "grade"),
    (["compare", "--strategies", "none", "--replications", "2", "--customers", "100",
      "--years", "0.1", "--scheduler", "tcp://127.0.0.1:9"], "cluster"),
])
def test_a_command_of_a_missing_extra_says_which_to_install(argv, extra, tmp_path):
    (tmp_path / "subs").mkdir()
    r = _run(f"""
        from crmsim.cli import main
        sys.exit(main({argv!r}))
        """, _modules({extra}), tmp_path)
    assert r.returncode == 2, r.stderr[-3000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error: "), r.stderr[-3000:]
    assert f"pip install 'crmsim[{extra}]'" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subs"]


def test_the_student_api_needs_no_grading_game_or_cluster_extra(tmp_path):
    """A student installs crmsim[course]: their data and the submit cell work without the
    grader's packages (nbval, nbclient, pytest), the game's or the cluster's."""
    r = _run("""
        from crmsim import assignment
        data = assignment.load("ex02-segmentation", "s0042")
        out = assignment.submit_from({"q2": 1.5}, ["q2"])
        print(len(data.customers), sorted(out))
        """, _modules({"grade", "game", "cluster"}), tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    n, _ = r.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(n) > 0
