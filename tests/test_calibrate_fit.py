"""Calibration recovers what it should: known parameters from synthetic logs, the published
CDNOW fit, and a market that reproduces the CDNOW log after the calibration period."""

import numpy as np
import pandas as pd
import pytest

import crmsim
from crmsim.analysis.synthetic import bgnbd_log
from crmsim.calibrate.validate import validate
from crmsim.datasets import CDNOW_CALIBRATION_END, load_cdnow

TRUE = {"r": 0.3, "alpha": 5.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "v": 15.0}


@pytest.fixture(scope="module")
def synthetic():
    _, tx = bgnbd_log(5000, days=546, acquisition_days=84, seed=3, **TRUE)
    log = tx.assign(CustomerID=tx["customer_id"], OrderDate=tx["date"],
                    Sales=tx["amount"])[["CustomerID", "OrderDate", "Sales"]]
    return crmsim.calibrate(log)


@pytest.mark.parametrize("name", ["r", "alpha", "a", "b"])
def test_synthetic_bgnbd_parameters_are_recovered_within_four_standard_errors(synthetic, name):
    fit = synthetic.fits.all_fits["bgnbd"]
    assert abs(fit.params[name] - TRUE[name]) <= 4 * fit.se[name], (name, fit.params, fit.se)


@pytest.mark.parametrize("name", ["p", "q", "v"])
def test_synthetic_spend_parameters_are_recovered_within_four_standard_errors(synthetic, name):
    est = synthetic.fits.estimates["purchase"][name]
    assert abs(est.value - TRUE[name]) <= 4 * est.se, (name, est)


def test_synthetic_first_orders_are_like_repeat_orders(synthetic):
    # the generator draws first and repeat amounts alike: the factor is 1 within 4 SE
    est = synthetic.fits.estimates["purchase"]["first_order_spend"]
    assert abs(est.value - 1.0) <= 4 * est.se


def test_synthetic_arrivals_follow_the_uniform_acquisition_window(synthetic):
    profile = np.array(synthetic.scenario["acquisition"]["launch_profile"])
    assert profile[:12].sum() == pytest.approx(1.0, abs=0.01)  # 84 days = 12 weeks
    assert synthetic.scenario["market"]["customers"] == 5000
    assert synthetic.scenario["market"]["time_unit"] == "week"


@pytest.fixture(scope="module")
def cdnow():
    return crmsim.calibrate(load_cdnow(), calibration_end=CDNOW_CALIBRATION_END)


def test_cdnow_calibrates_to_the_published_bgnbd_fit(cdnow):
    """Fader, Hardie & Lee (2005) on CDNOW's 39 weeks: r=0.243, alpha=4.414, a=0.793, b=2.426."""
    fit = cdnow.fits.all_fits["bgnbd"]
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for k, v in published.items():
        assert abs(fit.params[k] - v) <= 0.25 * fit.se[k], (k, fit.params[k], v)


def test_cdnow_reports_all_three_models_and_chooses_by_forecast(cdnow):
    models = cdnow.fits.models.set_index("model")
    assert set(models.index) == {"bgnbd", "mbgnbd", "pareto_nbd"}
    assert models["forecast"].notna().all()
    chosen = models.index[models["chosen"]][0]
    assert chosen == models["error"].abs().idxmin()
    assert cdnow.scenario["purchase"]["model"] == chosen


@pytest.fixture(scope="module")
def cdnow_validation(cdnow):
    table, _, _ = validate(cdnow, seed=0)
    return table.set_index(["metric", "period"])


def test_cdnow_market_reproduces_the_repeat_purchases_after_calibration(cdnow_validation):
    assert abs(cdnow_validation.loc[("repeats", "holdout"), "relative"]) <= 0.10


def test_cdnow_market_reproduces_the_conversion_after_calibration(cdnow_validation):
    assert abs(cdnow_validation.loc[("conversion", "holdout"), "difference"]) <= 0.05


def test_cdnow_market_has_the_logs_period_and_customers(cdnow):
    sc = cdnow.scenario
    assert sc.horizon == pytest.approx(78.0)
    assert sc["market"]["customers"] == cdnow.cleaned.orders["customer_id"].nunique()
    assert sc["market"]["start_date"] == "1997-01-01"


def test_an_other_calibration_end_changes_the_fit():
    log = load_cdnow()
    a = crmsim.calibrate(log, calibration_end=pd.Timestamp("1997-06-30"))
    assert a.fits.calibration_weeks == 25
    assert a.fits.models["forecast_from"].iloc[0] == "1997-06-24"
