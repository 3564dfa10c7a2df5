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
    market, acq = synthetic.scenario["market"], synthetic.scenario["acquisition"]
    assert market["customers"] == 10000  # the log's 5,000 buyers and one prospect each
    assert round(acq["launch_share"] * market["customers"]) == 5000
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
    buyers = round(sc["market"]["customers"] * sc["acquisition"]["launch_share"])
    assert buyers == cdnow.cleaned.orders["customer_id"].nunique()
    assert sc["market"]["start_date"] == "1997-01-01"


def test_an_other_calibration_end_changes_the_fit():
    log = load_cdnow()
    a = crmsim.calibrate(log, calibration_end=pd.Timestamp("1997-06-30"))
    assert a.fits.calibration_weeks == 25
    assert a.fits.models["forecast_from"].iloc[0] == "1997-06-24"


# ---------------------------------------------------------------- the simulator's own market
SEASON = [1.0, 0.8, 0.9, 1.0, 1.0, 1.0, 0.9, 0.8, 1.0, 1.1, 1.3, 1.6]
MARKET = {
    "market": {"customers": 6000, "years": 2.5, "start_date": "2021-01-04",
               "seasonality": SEASON, "demand_shock_cv": 0.0},
    "purchase": {"r": 0.6, "alpha": 6.0, "a": 0.8, "b": 4.0, "p": 5.0, "q": 4.0, "v": 20.0,
                 "first_order_spend": 0.8, "rate_spend_correlation": 0.0, "trial_boost": 0.0},
    "acquisition": {"launch_window": 26.0, "launch_profile": []},
}


@pytest.fixture(scope="module")
def round_trip():
    """The cdnow recipe with known parameters and seasons, simulated, exported as invoice
    lines, calibrated: the market the calibration writes is the one that made the log."""
    tx = crmsim.simulate("cdnow", seed=7, overrides=MARKET).transactions
    lines = tx.rename(columns={"order_id": "InvoiceNo", "customer_id": "CustomerID",
                               "date": "InvoiceDate", "product": "StockCode"})
    lines["UnitPrice"] = lines["amount"] / lines["quantity"]
    lines = lines[["InvoiceNo", "StockCode", "quantity", "InvoiceDate", "UnitPrice",
                   "CustomerID"]].rename(columns={"quantity": "Quantity"})
    return crmsim.calibrate(lines, calibration_end="2022-12-31")


@pytest.mark.parametrize("name", ["r", "alpha", "a", "b"])
def test_the_simulators_purchase_parameters_come_back(round_trip, name):
    fit = round_trip.fits.all_fits["bgnbd"]
    true = MARKET["purchase"][name]
    assert abs(fit.params[name] - true) <= 4 * fit.se[name], (name, fit.params, fit.se)


@pytest.mark.parametrize("name", ["p", "q", "v", "first_order_spend"])
def test_the_simulators_spend_parameters_come_back(round_trip, name):
    est = round_trip.fits.estimates["purchase"][name]
    assert abs(est.value - MARKET["purchase"][name]) <= 4 * est.se, (name, est)


def test_the_simulators_seasons_come_back(round_trip):
    est = round_trip.fits.estimates["market"]["seasonality"]
    truth = np.array(SEASON) / np.mean(SEASON)
    assert np.max(np.abs(np.array(est.value) - truth)) < 0.12, est.value
    assert int(np.argmax(est.value)) == 11  # December


def test_a_short_log_gets_no_seasons(cdnow):
    est = cdnow.fits.estimates["market"]["seasonality"]
    assert est.value == [1.0] * 12 and "under the 52 needed" in est.source


def test_customers_already_buying_when_the_log_starts_are_counted():
    """A log cut from the middle of a shop's life shows old customers as 'new' in its first
    weeks; a closed cohort (CDNOW) has none."""
    _, tx = bgnbd_log(4000, days=1095, acquisition_days=1095, seed=8)
    cut = tx[tx["date"] >= "2021-01-01"]
    res = crmsim.calibrate(cut[["customer_id", "date", "amount"]])
    existing, se = res.fits.profiles["existing_customers"]
    old = cut.loc[cut.groupby("customer_id")["date"].idxmin()]
    before = set(tx.loc[tx["date"] < "2021-01-01", "customer_id"])
    truth = old["customer_id"].isin(before).sum()  # seen first in the cut, acquired before it
    assert existing > 0 and abs(existing - truth) <= 3 * se, (existing, se, truth)
    assert "already buying when the log starts" in res.cleaning["en"]


def test_a_closed_cohort_had_no_customers_before_the_log(cdnow):
    assert cdnow.fits.profiles["existing_customers"][0] == 0
