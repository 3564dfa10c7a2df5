"""The calibrated scenario is a file a person can read, every strategy runs on it, and the
reports exist in both languages."""

import re

import numpy as np
import pandas as pd
import pytest

import crmsim
from crmsim.analysis.synthetic import bgnbd_log
from crmsim.calibrate import messages
from crmsim.calibrate.clean import REASONS
from crmsim.sim.scenarios import load
from crmsim.sim.strategies import REGISTRY


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop")
    _, tx = bgnbd_log(1500, days=546, acquisition_days=200, seed=11)
    crmsim.calibrate(tx[["customer_id", "date", "amount"]], folder / "shop.toml",
                     calibration_end="2020-12-31", assumptions={"gross_margin": 0.45})
    return folder / "shop.toml"


def test_every_fitted_value_states_its_estimate_error_and_source(shop):
    text = shop.read_text()
    for key in ("r", "alpha", "p", "q", "v", "first_order_spend"):
        block = re.search(rf"((?:#.*\n)+){key} = ", text).group(1)
        assert "fitted (standard error" in block, key
        assert "columns customer_id, date, amount; 2020-01-01 to 2020-12-29" in \
            block.replace("\n# ", " "), key
    assert "gross_margin = 0.45" in text
    assert "Weekday shares of purchase occasions" in text


def test_the_file_loads_as_written_and_keeps_the_logs_period(shop):
    sc = load(shop)
    assert sc["market"]["time_unit"] == "week" and sc["market"]["start_date"] == "2020-01-01"
    assert sc.horizon == pytest.approx(78.0)
    assert sc["market"]["gross_margin"] == 0.45
    assert len(sc["acquisition"]["launch_profile"]) == 78


@pytest.mark.parametrize("strategy", sorted(REGISTRY))
def test_every_strategy_runs_on_the_calibrated_market(shop, strategy):
    res = crmsim.simulate(shop, strategies=[strategy], seed=2, customers=400)
    assert len(res.transactions) > 0
    assert np.isfinite(res.summary().select_dtypes("number").to_numpy()).all()


def test_the_game_accepts_the_file_and_budgets_reach_its_prospects(shop):
    from crmsim.game.rules import check_settings

    assert check_settings({"scenario": str(shop)})["scenario"] == str(shop)
    plain = crmsim.simulate(shop, seed=3, schedule=[(0, {})])
    spent = crmsim.simulate(shop, seed=3, schedule=[(0, {"acquisition": {"direct_mail":
                                                                         2000.0}})])
    assert spent.customers["acquired"].sum() > plain.customers["acquired"].sum()


def test_same_log_same_scenario_byte_for_byte(tmp_path):
    _, tx = bgnbd_log(800, days=400, seed=4)
    log = tx[["customer_id", "date", "amount"]]
    a = crmsim.calibrate(log, tmp_path / "a.toml").text
    b = crmsim.calibrate(log.sample(frac=1.0, random_state=1), tmp_path / "b.toml").text
    assert a.replace("name = \"a\"", "name = \"b\"") == b


def test_every_catalogue_entry_has_both_languages_and_every_used_key_exists():
    cat = messages.catalogue()
    assert all(set(v) == {"en", "zh"} and v["en"] and v["zh"] for v in cat.values())
    from pathlib import Path

    import crmsim.calibrate.validate as validate_module

    src = "".join(Path(m.__file__).read_text() for m in (messages, validate_module))
    used = set(re.findall(r'text\("([a-z_.]+)"', src))
    used |= {f"metric.{m}" for m in ("customers", "repeats", "repeats_per_week", "conversion",
                                     "no_repeat", "top20", "gini", "mean_order",
                                     "median_order", "p90_order")}
    used |= {messages._reason_key(r) for r in REASONS}
    assert used <= set(cat), used - set(cat)


def test_cleaning_report_counts_in_both_languages(tmp_path):
    log = pd.DataFrame({"CustomerID": [1, 1, 2, None, 2, 2], "InvoiceDate": pd.to_datetime(
        ["2020-01-01", "2020-02-01", "2020-01-03", "2020-01-04", "2020-03-01", "2020-03-01"]),
        "Amount": [5.0, 6.0, 7.0, 8.0, 9.0, 9.0]})
    from crmsim.calibrate.clean import clean
    from crmsim.calibrate.read import read_log

    got = clean(*read_log(log)[:2]).report.set_index("reason")["rows"]
    assert got["missing customer id"] == 1 and got["exact duplicate"] == 1
