"""The package is laid out in layers: no import cycles (imports inside functions count), no
module over 600 lines, and code inside the package uses the modules' current names."""

import ast
from pathlib import Path

import pytest

from crmsim._moved import MOVED

ROOT = Path(__file__).resolve().parent.parent / "simulator"
PACKAGE = ROOT / "crmsim"
MAX_LINES = 600


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str) -> str | None:
    """The package module ``name`` means: itself, or the nearest enclosing module."""
    name = MOVED.get(name, name)
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    """Every crmsim module ``module`` imports, at the top or inside a function."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES
                     or f"{base}.{a.name}" in MOVED else base for a in node.names]
        else:
            continue
        out |= {t for n in names if n.split(".")[0] == "crmsim" and (t := _target(n))}
    out.discard(module)
    return out


GRAPH = {m: imports(m) for m in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_layer_rule_finds_a_module_reaching_up():
    graph = {"crmsim.sim.market": {"crmsim.result"}, "crmsim.result": {"crmsim.sim.market"}}
    assert [m for m, targets in graph.items() for t in targets
            if _within(m, "crmsim.sim") and any(_within(t, a) for a in FORBIDDEN["crmsim.sim"])
            ] == ["crmsim.sim.market"]


def test_no_import_cycles_counting_imports_inside_functions():
    found = cycles(GRAPH)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


#: what a layer must not import (ARCHITECTURE.md): modules below never reach up
FOUNDATION = ("crmsim.errors", "crmsim.params", "crmsim.i18n", "crmsim.output",
              "crmsim.parallel", "crmsim.database", "crmsim.webapp", "crmsim._moved")
ABOVE_THE_MODEL = ("crmsim.simulation", "crmsim.comparison", "crmsim.rounds", "crmsim.result",
                   "crmsim.streaming",
                   "crmsim.datasets", "crmsim.plots", "crmsim.schema", "crmsim.analysis",
                   "crmsim.rollout", "crmsim.calibrate", "crmsim.course", "crmsim.grading",
                   "crmsim.gradebook", "crmsim.game", "crmsim.cli")
#: the teaching layers, lowest first
TEACHING = ("crmsim.course", "crmsim.grading", "crmsim.gradebook", "crmsim.game", "crmsim.cli")
FORBIDDEN = {
    **{m: ("crmsim.sim", *ABOVE_THE_MODEL) for m in FOUNDATION},
    "crmsim.sim": ABOVE_THE_MODEL,
    "crmsim.analysis": ("crmsim.calibrate", *TEACHING),
    "crmsim.rollout": ("crmsim.calibrate", *TEACHING),
    "crmsim.calibrate": TEACHING,
    "crmsim.course": TEACHING[1:],
    "crmsim.grading": ("crmsim.gradebook", "crmsim.game", "crmsim.cli"),
    "crmsim.gradebook": ("crmsim.game", "crmsim.cli"),
    "crmsim.game": ("crmsim.grading", "crmsim.gradebook", "crmsim.cli"),
}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


#: modules that stand above every layer on purpose: ``python -m`` entry points run the CLI,
#: and the parameter docs list the parameter tables of every layer, the game's included
ENTRY_POINTS = {"crmsim.grading.__main__", "crmsim.cli.__main__", "crmsim.course.paramdocs"}


def test_no_layer_imports_a_layer_above_it():
    bad = [f"{m} imports {t}" for m, targets in GRAPH.items() for layer, above in
           FORBIDDEN.items() if _within(m, layer) and m not in ENTRY_POINTS for t in targets
           if any(_within(t, a) for a in above)]
    assert not bad, "; ".join(sorted(bad))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_600_lines(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[module]} has {lines} lines (at most {MAX_LINES})"


def test_the_package_imports_moved_modules_by_their_new_names():
    old = []
    for module, path in MODULES.items():
        if module == "crmsim._moved":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) and node.module else [])
            old += [f"{module}: {n}" for n in names if n in MOVED]
    assert not old, "old import paths inside the package: " + ", ".join(old)


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_import_paths_are_the_moved_modules(old):
    import importlib

    assert importlib.import_module(old) is importlib.import_module(MOVED[old])
