"""Bad input to the analysis toolkit: a one-line CrmsimError naming parameter and value.

Every case below is a distinct bad input; each must raise :class:`CrmsimError` (never a
deep pandas/numpy/scipy error, never a silently wrong result) whose single-line message
names the parameter and shows the offending value. The warehouse cases also check that
no file was deleted, replaced or left half-written.
"""

import os

import matplotlib
import numpy as np
import pandas as pd
import pytest

from crmsim import analysis as an
from crmsim.errors import CrmsimError

matplotlib.use("Agg")


def _log(**changes):
    df = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 3, 3],
        "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-15", "2024-01-03",
                                "2024-01-20", "2024-03-01"]),
        "amount": [10.0, 20.0, 5.0, 7.0, 8.0, 9.0],
        "product": ["tea", "cup", "tea", "tea", "cup", "pot"],
    })
    for k, v in changes.items():
        df[k] = v
    return df


LOG = _log()
RFM = an.rfm_table(LOG)
SCORES = an.rfm_scores(RFM, bins=2)
RNG = np.random.default_rng(3)
FREQ = pd.Series([0, 2, 1, 3, 0, 5], dtype=float)
REC = pd.Series([0, 10, 5, 20, 0, 30], dtype=float)
AGE = pd.Series([30, 30, 30, 30, 30, 30], dtype=float)
MON = pd.Series([0, 12.0, 8.0, 20.0, 0, 15.0])


def _bg():
    return an.BGNBDFit(params={"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5},
                       se={}, loglik=0.0, n=6)


def _gg():
    return an.GammaGammaFit(params={"p": 6.0, "q": 4.0, "v": 15.0}, se={}, loglik=0.0, n=4)


STR_AMOUNTS = _log(amount=["10", "20", "5", "7", "8", "9"])
NAN_AMOUNT = _log(amount=[10.0, np.nan, 5, 7, 8, 9])
INF_AMOUNT = _log(amount=[10.0, np.inf, 5, 7, 8, 9])
NEG_AMOUNT = _log(amount=[10.0, -20.0, 5, 7, 8, 9])
BOOL_AMOUNT = _log(amount=[True] * 6)
NAT_DATE = _log(date=pd.to_datetime(["2024-01-01", None, "2024-01-15", "2024-01-03",
                                     "2024-01-20", "2024-03-01"]))
BAD_DATE = _log(date=["2024-01-01", "not a date", "2024-01-15", "2024-01-03", "2024-01-20",
                      "2024-03-01"])
INT_DATE = _log(date=[1, 2, 3, 4, 5, 6])
NAN_ID = _log(customer_id=[1, np.nan, 2, 3, 3, 3])
EMPTY = LOG.iloc[:0]
NO_AMOUNT = LOG.drop(columns="amount")
FEATURES = pd.DataFrame({"recency": [1.0, 5, 9, 3, 7, 2], "frequency": [3.0, 1, 1, 2, 1, 4],
                         "monetary": [30.0, 5, 8, 20, 3, 50]})
LIVES = an.lifetimes_from_log(LOG)
LABEL = pd.Series([True, False, True, False, True, False], index=FEATURES.index)

# (case id, call, words that must appear in the message)
CASES = [
    # ------------------------------------------------------------------ rfm
    ("rfm-not-frame", lambda: an.rfm_table([1, 2, 3]), ["log=", "DataFrame"]),
    ("rfm-none", lambda: an.rfm_table(None), ["log=None", "DataFrame"]),
    ("rfm-missing-col", lambda: an.rfm_table(NO_AMOUNT), ["log=", "'amount'"]),
    ("rfm-empty", lambda: an.rfm_table(EMPTY), ["log=", "0 rows", "at least one row"]),
    ("rfm-str-amount", lambda: an.rfm_table(STR_AMOUNTS), ["log['amount']='10'", "str"]),
    ("rfm-nan-amount", lambda: an.rfm_table(NAN_AMOUNT), ["log['amount']=nan", "row 1"]),
    ("rfm-inf-amount", lambda: an.rfm_table(INF_AMOUNT), ["log['amount']=inf", "finite"]),
    ("rfm-neg-amount", lambda: an.rfm_table(NEG_AMOUNT), ["log['amount']=-20.0", ">= 0"]),
    ("rfm-bool-amount", lambda: an.rfm_table(BOOL_AMOUNT), ["log['amount']=True"]),
    ("rfm-nat-date", lambda: an.rfm_table(NAT_DATE), ["log['date']=NaT", "row 1"]),
    ("rfm-text-date", lambda: an.rfm_table(BAD_DATE), ["log['date']='not a date'"]),
    ("rfm-int-date", lambda: an.rfm_table(INT_DATE), ["log['date']=1", "not numbers"]),
    ("rfm-nan-id", lambda: an.rfm_table(NAN_ID), ["log['customer_id']=nan", "row 1"]),
    ("rfm-bad-cutoff", lambda: an.rfm_table(LOG, "soon"), ["cutoff='soon'", "date"]),
    ("rfm-early-cutoff", lambda: an.rfm_table(LOG, "2020-01-01"), ["cutoff=", "first"]),
    ("rfm-numeric-cutoff", lambda: an.rfm_table(LOG, 5), ["cutoff=5", "not a number"]),
    ("rfm-monetary", lambda: an.rfm_table(LOG, monetary="median"), ["monetary='median'"]),
    ("rfm-bins-0", lambda: an.rfm_scores(RFM, bins=0), ["bins=0", "whole number"]),
    ("rfm-bins-float", lambda: an.rfm_scores(RFM, bins=2.5), ["bins=2.5"]),
    ("rfm-bins-str", lambda: an.rfm_scores(RFM, bins="5"), ["bins='5'"]),
    ("rfm-ties", lambda: an.rfm_scores(RFM, ties="max"), ["ties='max'", "'min'"]),
    ("rfm-scores-nan", lambda: an.rfm_scores(RFM.assign(monetary=np.nan)),
     ["rfm['monetary']=nan"]),
    ("rfm-scheme", lambda: an.rfm_segments(SCORES, scheme="abc"), ["scheme='abc'"]),
    ("rfm-grid-score-6", lambda: an.rfm_segments(SCORES.assign(R=6)), ["scores['R']=6"]),
    ("rfm-heatmap-agg", lambda: an.plot_rfm_heatmap(SCORES, agg="max"), ["agg='max'"]),
    # ------------------------------------------------------------------ pyramid
    ("pyr-empty-values", lambda: an.value_pyramid(pd.Series([], dtype=float)), ["values="]),
    ("pyr-str-values", lambda: an.value_pyramid(pd.Series(["a", "b"])), ["values='a'"]),
    ("pyr-nan-values", lambda: an.value_pyramid(pd.Series([1.0, np.nan])), ["values=", "NaN"]),
    ("pyr-tiers-sum", lambda: an.value_pyramid(pd.Series([1.0, 2.0]),
                                               tiers=(("A", "a", "a", 0.5),)), ["tiers="]),
    ("pyr-tiers-shape", lambda: an.value_pyramid(pd.Series([1.0]), tiers=[1, 2]), ["tiers="]),
    ("pyr-log-str", lambda: an.customer_value(STR_AMOUNTS), ["log['amount']='10'"]),
    ("pyr-level-q0", lambda: an.level([1, 2, 3], q=0, labels=()), ["q=0"]),
    ("pyr-level-labels", lambda: an.level([1, 2, 3], q=2), ["labels=", "2 labels"]),
    ("pyr-level-text", lambda: an.level(["x", "y"], q=2, labels=("a", "b")), ["values='x'"]),
    ("pyr-normalize", lambda: an.combined_classification(
        pd.DataFrame({"loyalty": ["a"], "credit_rating": ["b"]}), normalize="rows"),
     ["normalize='rows'"]),
    ("pyr-summary-text", lambda: an.pyramid_summary(pd.DataFrame({"tier": ["A"],
                                                                  "value": ["x"]})),
     ["pyramid['value']='x'"]),
    # ------------------------------------------------------------------ clv: simple
    ("clv-retention-2", lambda: an.simple_clv(100, 2.0, 0.1), ["retention=2.0", "[0, 1]"]),
    ("clv-retention-nan", lambda: an.simple_clv(100, np.nan, 0.1), ["retention=nan"]),
    ("clv-discount", lambda: an.simple_clv(100, 0.8, -1.5), ["discount=-1.5", "> -1"]),
    ("clv-margin-text", lambda: an.simple_clv("100", 0.8, 0.1), ["margin='100'"]),
    ("clv-horizon-neg", lambda: an.simple_clv(100, 0.8, 0.1, horizon=-1), ["horizon=-1"]),
    ("clv-horizon-frac", lambda: an.simple_clv(100, 0.8, 0.1, horizon=2.5), ["horizon=2.5"]),
    ("clv-diverges", lambda: an.simple_clv(100, 1.0, 0.0), ["horizon=None", "diverges"]),
    ("clv-broadcast", lambda: an.simple_clv([1, 2], [0.5, 0.6, 0.7], 0.1), ["retention="]),
    ("clv-first-paid", lambda: an.simple_clv(1, 0.5, 0.1, first_period_paid="yes"),
     ["first_period_paid='yes'"]),
    # ------------------------------------------------------------------ clv: summaries
    ("sum-str-amount", lambda: an.summary_data_from_log(STR_AMOUNTS), ["log['amount']='10'"]),
    ("sum-empty", lambda: an.summary_data_from_log(EMPTY), ["log=", "at least one row"]),
    ("sum-freq", lambda: an.summary_data_from_log(LOG, freq="M"), ["freq='M'"]),
    ("sum-freq-mult", lambda: an.summary_data_from_log(LOG, freq_multiplier=0),
     ["freq_multiplier=0"]),
    ("sum-obs-end", lambda: an.summary_data_from_log(LOG, "someday"),
     ["observation_end='someday'"]),
    ("sum-obs-early", lambda: an.summary_data_from_log(LOG, "2000-01-01"),
     ["observation_end='2000-01-01'"]),
    ("sum-time-col-text", lambda: an.summary_data_from_log(_log(t=list("abcdef")),
                                                           time_col="t", freq=None),
     ["log['t']='a'"]),
    ("sum-time-width", lambda: an.summary_data_from_log(_log(t=np.arange(6.0)), time_col="t",
                                                        freq=-1), ["freq=-1"]),
    ("cal-none", lambda: an.calibration_and_holdout_data(LOG, None), ["calibration_end=None"]),
    ("cal-order", lambda: an.calibration_and_holdout_data(LOG, "2024-02-01", "2024-01-10"),
     ["observation_end='2024-01-10'", "after calibration_end"]),
    # ------------------------------------------------------------------ clv: BG/NBD
    ("bg-lengths", lambda: an.fit_bgnbd([1, 2], [1, 2, 3], [5, 5]), ["recency=", "as many"]),
    ("bg-index", lambda: an.fit_bgnbd(FREQ, REC.set_axis(range(10, 16)), AGE),
     ["recency=", "same index"]),
    ("bg-neg-freq", lambda: an.fit_bgnbd([-1, 2], [0, 2], [5, 5]), ["frequency=-1.0"]),
    ("bg-nan-T", lambda: an.fit_bgnbd([1, 2], [1, 2], [5, np.nan]), ["T=", "NaN"]),
    ("bg-inf-T", lambda: an.fit_bgnbd([1, 2], [1, 2], [5, np.inf]), ["T=inf"]),
    ("bg-recency-gt-T", lambda: an.fit_bgnbd([1, 2], [1, 9], [5, 5]), ["recency=9.0", "T=5"]),
    ("bg-text", lambda: an.fit_bgnbd(["1", "2"], [1, 2], [5, 5]), ["frequency='1'"]),
    ("bg-empty", lambda: an.fit_bgnbd([], [], []), ["frequency=[]", "at least one"]),
    ("bg-no-repeat", lambda: an.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 20, 30]),
     ["frequency=", "repeat buyer"]),
    ("bg-degenerate", lambda: an.fit_bgnbd([5, 6, 7, 8], [39, 38, 39, 39], [39] * 4),
     ["frequency=", "towards"]),
    ("bg-initial", lambda: an.fit_bgnbd(FREQ, REC, AGE, initial=(1, 1, 1)), ["initial="]),
    ("bg-initial-neg", lambda: an.fit_bgnbd(FREQ, REC, AGE, initial=(1, -1, 1, 1)),
     ["initial=-1.0"]),
    ("bg-predict-t", lambda: _bg().expected_purchases(-1, 1, 1, 5), ["t=-1.0"]),
    ("bg-p-alive-len", lambda: _bg().p_alive([1, 2], [1, 2, 3], [5, 5]), ["recency="]),
    # ------------------------------------------------------------------ clv: Gamma-Gamma
    ("gg-nan", lambda: an.fit_gamma_gamma([1, 2, 3], [10, np.nan, 5]), ["monetary_value="]),
    ("gg-text", lambda: an.fit_gamma_gamma([1, 2, 3], ["10", "20", "5"]),
     ["monetary_value='10'"]),
    ("gg-zero", lambda: an.fit_gamma_gamma([1, 2, 3], [10, 0, 5]), ["monetary_value=0.0"]),
    ("gg-lengths", lambda: an.fit_gamma_gamma([1, 2, 3], [10, 5]), ["monetary_value="]),
    ("gg-one-buyer", lambda: an.fit_gamma_gamma([1, 0, 0], [10, 0, 0]),
     ["frequency=", "two repeat buyers"]),
    ("gg-same-spend", lambda: an.fit_gamma_gamma([1, 2, 3, 4], [10, 10, 10, 10]),
     ["monetary_value=[10, 10, 10, 10]", "vary"]),
    ("gg-degenerate", lambda: an.fit_gamma_gamma([1, 2], [10, 20]),
     ["monetary_value=[10, 20]", "towards infinity"]),
    ("gg-inf-start", lambda: an.fit_gamma_gamma([1, 2, 3], [10, 20, 5],
                                                initial=(1, np.inf, 1)), ["initial=inf"]),
    # ------------------------------------------------------------------ clv: CLV, diagnostics
    ("clvgg-steps", lambda: an.clv_bgnbd_gg(_bg(), _gg(), FREQ, REC, AGE, MON, steps=0),
     ["steps=0"]),
    ("clvgg-horizon", lambda: an.clv_bgnbd_gg(_bg(), _gg(), FREQ, REC, AGE, MON,
                                              horizon=np.inf), ["horizon=inf"]),
    ("clvgg-discount", lambda: an.clv_bgnbd_gg(_bg(), _gg(), FREQ, REC, AGE, MON,
                                               discount_rate=-2), ["discount_rate=-2"]),
    ("clvgg-fit-type", lambda: an.clv_bgnbd_gg({"r": 1}, _gg(), FREQ, REC, AGE, MON),
     ["bgnbd={'r': 1}", "BGNBDFit"]),
    ("clvgg-lengths", lambda: an.clv_bgnbd_gg(_bg(), _gg(), FREQ, REC, AGE, MON[:3]),
     ["monetary_value="]),
    ("ect-text", lambda: an.expected_cumulative_transactions(_bg(), ["a"], [1, 2]),
     ["first_purchase='a'"]),
    ("ect-fit-type", lambda: an.expected_cumulative_transactions(None, [1], [1, 2]),
     ["bgnbd=None"]),
    ("hist-max-freq", lambda: an.plot_frequency_histogram(_bg(), FREQ, AGE, max_frequency=0),
     ["max_frequency=0"]),
    ("cum-log-nat", lambda: an.plot_cumulative_transactions(_bg(), NAT_DATE),
     ["log['date']=NaT"]),
    # ------------------------------------------------------------------ cohorts
    ("coh-period", lambda: an.cohort_retention(LOG, period="fortnight"),
     ["period='fortnight'"]),
    ("coh-empty", lambda: an.cohort_retention(EMPTY), ["log=", "at least one row"]),
    ("coh-nat", lambda: an.lifetimes_from_log(NAT_DATE), ["log['date']=NaT"]),
    ("coh-inactivity", lambda: an.lifetimes_from_log(LOG, inactivity_days=-5),
     ["inactivity_days=-5"]),
    ("km-lengths", lambda: an.kaplan_meier([1, 2, 3], [True, False]), ["events=", "as many"]),
    ("km-negative", lambda: an.kaplan_meier([1, -2], [True, False]), ["durations=-2.0"]),
    ("km-text-events", lambda: an.kaplan_meier([1, 2], ["yes", "no"]), ["events='yes'"]),
    ("km-nan", lambda: an.kaplan_meier([1, np.nan], [True, False]), ["durations=", "NaN"]),
    ("km-empty", lambda: an.kaplan_meier([], []), ["durations=", "at least one row"]),
    # ------------------------------------------------------------------ segmentation
    ("seg-k1", lambda: an.kmeans_segments(FEATURES, n_clusters=1), ["n_clusters=1"]),
    ("seg-k-big", lambda: an.kmeans_segments(FEATURES, n_clusters=6), ["n_clusters=6"]),
    ("seg-nan", lambda: an.kmeans_segments(FEATURES.assign(recency=np.nan)),
     ["features['recency']=nan"]),
    ("seg-text", lambda: an.kmeans_segments(FEATURES.assign(tag="x")), ["features['tag']='x'"]),
    ("seg-neg-log", lambda: an.kmeans_segments(FEATURES.assign(monetary=-1.0)),
     ["features['monetary']=-1.0"]),
    ("seg-elbow-k1", lambda: an.elbow_table(FEATURES, k_values=[1, 2]), ["k_values=1"]),
    ("seg-profile-len", lambda: an.segment_profile(FEATURES, [0, 1]), ["labels="]),
    # ------------------------------------------------------------------ churn
    ("churn-str", lambda: an.churn_features(STR_AMOUNTS), ["log['amount']='10'"]),
    ("churn-recent", lambda: an.churn_features(LOG, recent_days=-1), ["recent_days=-1"]),
    ("churn-window", lambda: an.inactive_in_window(LOG, "2024-02-01", 0), ["window_days=0"]),
    ("churn-cutoff", lambda: an.inactive_in_window(LOG, None, 30), ["cutoff=None"]),
    ("churn-test-size", lambda: an.fit_churn_tree(FEATURES, LABEL, test_size=1.5),
     ["test_size=1.5"]),
    ("churn-depth", lambda: an.fit_churn_tree(FEATURES, LABEL, max_depth=0), ["max_depth=0"]),
    ("churn-label-text", lambda: an.fit_churn_tree(FEATURES, LABEL.map({True: "y",
                                                                        False: "n"})),
     ["label='y'", "True/False"]),
    ("churn-no-overlap", lambda: an.fit_churn_tree(FEATURES, LABEL.set_axis(range(50, 56))),
     ["label=", "share 0"]),
    ("churn-dropout-time", lambda: an.dropped_out_by(
        pd.DataFrame({"customer_id": [1], "true_dropout_time": [1.0]}), "soon"),
     ["cutoff_time='soon'"]),
    # ------------------------------------------------------------------ associations
    ("assoc-support", lambda: an.frequent_itemsets(LOG, min_support=0), ["min_support=0"]),
    ("assoc-max-len", lambda: an.frequent_itemsets(LOG, max_len=4), ["max_len=4"]),
    ("assoc-nan-item", lambda: an.basket_matrix(_log(product=["a", None, "b", "a", "b", "c"])),
     ["log['product']=None", "row 1"]),
    ("assoc-empty", lambda: an.frequent_itemsets(EMPTY), ["log=", "at least one row"]),
    ("assoc-confidence", lambda: an.association_rules(an.frequent_itemsets(LOG, min_support=0.1),
                                                      min_confidence=2), ["min_confidence=2"]),
    ("assoc-next-nat", lambda: an.next_item_transitions(NAT_DATE, item_col="product"),
     ["log['date']=NaT"]),
    # ------------------------------------------------------------------ truth and plots
    ("truth-lengths", lambda: an.score_regression([1.0, 2.0], [1.0]), ["truth=", "as many"]),
    ("truth-no-overlap", lambda: an.score_regression(pd.Series([1.0], index=[1]),
                                                     pd.Series([1.0], index=[2])),
     ["truth=", "share none"]),
    ("truth-text", lambda: an.score_regression(["a", "b"], [1.0, 2.0]), ["estimate='a'"]),
    ("truth-inf", lambda: an.score_regression([np.inf, 1.0], [1.0, 2.0]), ["estimate=inf"]),
    ("truth-prob", lambda: an.score_classification([0.2, 1.7], [True, False]),
     ["probability=1.7", "[0, 1]"]),
    ("truth-labels", lambda: an.score_classification([0.2, 0.7], ["yes", "no"]),
     ["truth='yes'"]),
    ("truth-threshold", lambda: an.score_classification([0.2, 0.7], [True, False],
                                                        threshold=2), ["threshold=2"]),
    ("truth-kind", lambda: an.compare_estimators({"a": [0.5]}, [1.0], kind="ranking"),
     ["kind='ranking'"]),
    ("plot-calib-bins", lambda: an.plot_calibration([0.2, 0.7], [True, False], bins=0),
     ["bins=0"]),
    ("plot-clv-inf", lambda: an.plot_clv_distribution([1.0, np.inf]), ["clv=inf"]),
    ("plot-clv-empty", lambda: an.plot_clv_distribution([np.nan]), ["clv=", "not NaN"]),
    ("plot-pva-text", lambda: an.plot_predicted_vs_actual(["a", "b"], [1, 2]),
     ["predicted='a'"]),
]


@pytest.mark.parametrize("call, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_one_line_error(call, words):
    import matplotlib.pyplot as plt

    with pytest.raises(CrmsimError) as err:
        call()
    plt.close("all")
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 400, msg
    assert " is invalid: expected " in msg, msg
    for w in words:
        assert w in msg, (w, msg)


def test_cases_are_distinct():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 60


# ---------------------------------------------------------------------- warehouse
@pytest.fixture
def result():
    customers = pd.DataFrame({"customer_id": [1, 2, 3], "channel": ["web", "shop", "web"]})
    return {"customers": customers, "transactions": LOG}


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


WAREHOUSE_CASES = [
    ("wh-none-result", lambda r: None, "target.txt", {}, ["result=None"]),
    ("wh-no-transactions", lambda r: {"customers": r["customers"]}, "target.txt", {},
     ["result="]),
    ("wh-str-amounts", lambda r: {**r, "transactions": STR_AMOUNTS}, "new.duckdb", {},
     ["transactions['amount']='10'"]),
    ("wh-nat-dates", lambda r: {**r, "transactions": NAT_DATE}, "new.duckdb", {},
     ["transactions['date']=NaT"]),
    ("wh-dup-customers", lambda r: {**r, "customers": pd.concat([r["customers"]] * 2)},
     "new.duckdb", {}, ["customers['customer_id']=1"]),
    ("wh-foreign-file", lambda r: r, "target.txt", {}, ["path=", "target.txt",
                                                        "overwrite=True"]),
    ("wh-no-overwrite", lambda r: r, "target.txt", {"overwrite": False}, ["path=", "exists"]),
    ("wh-bad-overwrite", lambda r: r, "new.duckdb", {"overwrite": "yes"}, ["overwrite='yes'"]),
    ("wh-path-none", lambda r: r, None, {}, ["path=None"]),
    ("wh-path-folder", lambda r: r, "sub", {}, ["path=", "folder"]),
    ("wh-no-parent", lambda r: r, "nowhere/new.duckdb", {}, ["path=", "existing folder"]),
    ("wh-truth-flag", lambda r: r, "new.duckdb", {"include_truth": "no"}, ["include_truth="]),
]


@pytest.mark.parametrize("make, name, kw, words", [c[1:] for c in WAREHOUSE_CASES],
                         ids=[c[0] for c in WAREHOUSE_CASES])
def test_warehouse_bad_input_touches_no_file(result, tmp_path, make, name, kw, words):
    (tmp_path / "target.txt").write_text("my notes\n")
    (tmp_path / "sub").mkdir()
    before = _snapshot(tmp_path / "sub") | {"target.txt": b"my notes\n"}
    path = None if name is None else tmp_path / name
    with pytest.raises(CrmsimError) as err:
        an.build_warehouse(make(result), path, **kw)
    msg = str(err.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["sub", "target.txt"], files  # nothing created, nothing deleted
    assert (tmp_path / "target.txt").read_bytes() == before["target.txt"]


def test_warehouse_replaces_only_its_own_file_and_never_half_writes(result, tmp_path,
                                                                    monkeypatch):
    path = an.build_warehouse(result, tmp_path / "wh.duckdb")
    an.build_warehouse(result, path)  # its own warehouse: replaced by default
    n = an.query(path, "SELECT COUNT(*) AS n FROM fact_transactions")["n"].iloc[0]
    assert n == len(LOG)
    old = path.read_bytes()

    # a failure in the middle of writing leaves the old warehouse and no temp files
    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(RuntimeError):
        an.build_warehouse(result, path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]

    other = tmp_path / "notes.txt"
    other.write_text("x")
    an.build_warehouse(result, other, overwrite=True)  # asked explicitly: replaced
    assert an.query(other, "SELECT COUNT(*) AS n FROM dim_customer")["n"].iloc[0] == 3


def test_query_bad_sql_is_one_line(result, tmp_path):
    path = an.build_warehouse(result, tmp_path / "wh.duckdb")
    with pytest.raises(CrmsimError) as err:
        an.query(path, "SELEC nonsense")
    assert "\n" not in str(err.value) and "sql='SELEC nonsense'" in str(err.value)


# ---------------------------------------------------------------------- valid input unchanged
def test_row_order_does_not_matter():
    shuffled = LOG.sample(frac=1.0, random_state=5)
    pd.testing.assert_frame_equal(an.rfm_table(shuffled), an.rfm_table(LOG))
    pd.testing.assert_frame_equal(an.summary_data_from_log(shuffled),
                                  an.summary_data_from_log(LOG))


def test_fit_checks_accept_a_genuine_optimum():
    _, log = an.bgnbd_log(800, seed=2)
    s = an.summary_data_from_log(log, freq="D", freq_multiplier=7)
    bg = an.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    assert all(np.isfinite(v) and v > 0 for v in bg.params.values())
    rep = s[s["frequency"] > 0]
    gg = an.fit_gamma_gamma(rep["frequency"], rep["monetary_value"])
    assert all(np.isfinite(v) and v > 0 for v in gg.params.values())
