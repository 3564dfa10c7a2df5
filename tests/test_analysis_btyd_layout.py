"""The buy-till-you-die package: every fit on one base, old import paths, a clean layout.

The models moved from ``analysis/clv.py`` and ``analysis/btyd.py`` into
``analysis/btyd/`` (one model per module); these tests keep the shared base honest and the
package free of import cycles, oversized modules and borrowed private helpers.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

import crmsim.analysis as an
from crmsim.analysis import btyd, clv
from crmsim.analysis.btyd.base import CountFit, Fit
from crmsim.datasets import load_cdnow_summary

ANALYSIS = Path(an.__file__).resolve().parent


@pytest.fixture(scope="module")
def cdnow():
    s = load_cdnow_summary(monetary=True)
    return s["frequency"], s["recency"], s["T"], s["monetary_value"]


@pytest.fixture(scope="module")
def bg(cdnow):
    return an.fit_bgnbd(*cdnow[:3])


def test_every_fit_shares_one_base(cdnow, bg):
    assert isinstance(an.fit_gamma_gamma(cdnow[0], cdnow[3]), Fit)
    for fit in (bg, an.fit_mbgnbd(*cdnow[:3])):
        assert isinstance(fit, CountFit)
        assert fit.theta() == tuple(fit.params[k] for k in fit.param_names)
        assert fit.summary().index.tolist() == list(fit.param_names)


def test_bgnbd_likelihood_and_p_alive_from_the_shared_terms(cdnow, bg):
    x, tx, T = cdnow[:3]
    assert bg.log_likelihood(x, tx, T) == pytest.approx(bg.loglik, rel=1e-12)
    generic = CountFit.p_alive(bg, x, tx, T)  # expit(alive - dead) of eq. 6's two parts
    np.testing.assert_allclose(generic, bg.p_alive(x, tx, T), rtol=1e-9)


@pytest.mark.parametrize("module", [clv, btyd])
def test_old_import_paths_give_the_same_objects(module):
    names = {"clv": ["BGNBDFit", "GammaGammaFit", "calibration_and_holdout_data",
                     "clv_bgnbd_gg", "expected_cumulative_transactions", "fit_bgnbd",
                     "fit_gamma_gamma", "plot_cumulative_transactions",
                     "plot_frequency_histogram", "simple_clv", "summary_data_from_log"],
             "btyd": ["BTYD_MODELS", "MBGNBDFit", "ParetoNBDFit", "fit_btyd", "fit_mbgnbd",
                      "fit_pareto_nbd", "fit_bgnbd"]}[module.__name__.rsplit(".", 1)[1]]
    for name in names:
        assert getattr(module, name) is getattr(an, name), name


def _modules():
    for path in sorted(ANALYSIS.rglob("*.py")):
        parts = path.relative_to(ANALYSIS.parent.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(name, path, known):
    """(module imported, names taken) for every import, inside functions too."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                yield (sub, []) if sub in known else (base, [a.name])


def test_analysis_has_no_import_cycle_big_module_or_borrowed_private_helper():
    modules = dict(_modules())
    graph = {m: set() for m in modules}
    for m, path in modules.items():
        assert len(path.read_text("utf-8").splitlines()) <= 600, f"{m} is over 600 lines"
        for target, names in _imports(m, path, modules):
            if target in modules and target != m:
                graph[m].add(target)
                private = [n for n in names if n.startswith("_")]
                assert not private, f"{m} imports {target}'s private {private}"

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    cycles = sorted(m for m in graph if m in reach(m))
    assert not cycles, f"import cycle through {cycles}"
