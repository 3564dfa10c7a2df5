"""How ``make test`` shares the work between pytest-xdist workers (``--dist loadgroup``).

Every test runs in the worker of its group: by default its file, so that a notebook's cells
run in order in one kernel (nbval) and a module's expensive fixture is built once. Files
whose module fixture builds one thing per parameter are split by that parameter instead,
so their parts run side by side (``SPLIT``: file name -> parameter).
"""

from __future__ import annotations

import pytest

#: test_grading_wrong grades one batch per exercise, lazily: its exercises can run apart
SPLIT = {"test_grading_wrong.py": "name"}


def xdist_group(nodeid: str, params: dict) -> str:
    path = nodeid.split("::", 1)[0]
    key = SPLIT.get(path.rpartition("/")[2])
    return f"{path}[{params[key]}]" if key and key in params else path


def pytest_collection_modifyitems(config, items):
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        item.add_marker(pytest.mark.xdist_group(xdist_group(item.nodeid, params)))
