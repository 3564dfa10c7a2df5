import pytest

import crmsim


@pytest.fixture(scope="session")
def small_run():
    """A small retail run shared by the invariant tests."""
    return crmsim.simulate("retail", customers=3000, years=2, seed=11,
                           strategies=["win_back", "vip_tiering", "participation"])


# instructor-side fixture notebooks (source versions with solutions) are graded by the
# tests, not run by nbval
collect_ignore_glob = ["grading_fixtures/*"]
