"""crmsim.analysis: the analytical-CRM toolkit (分析型CRM) as plain functions on DataFrames.

Every function takes any transaction log with customer id, date and amount columns
(``customer_col=``, ``date_col=``, ``amount_col=``), so the same code runs on simulated
data and on real data such as :func:`crmsim.datasets.load_cdnow`. One module per idea:

* :mod:`~crmsim.analysis.rfm` - recency, frequency, monetary value; scores; segments
* :mod:`~crmsim.analysis.pyramid` - value pyramid (客户金字塔) and combined classes
* :mod:`~crmsim.analysis.clv` - lifetime value: the retention-based textbook formula
* :mod:`~crmsim.analysis.summaries` - frequency, recency, T per customer; calibration/holdout
* :mod:`~crmsim.analysis.btyd` - buy-till-you-die models, one per module: BG/NBD, MBG/NBD,
  Pareto/NBD, Gamma-Gamma spend, and the CLV they give
* :mod:`~crmsim.analysis.cohorts` - cohort retention and Kaplan-Meier survival
* :mod:`~crmsim.analysis.tracking` - weekly trial/repeat tracking; real vs simulated logs
* :mod:`~crmsim.analysis.segmentation` - k-means segments
* :mod:`~crmsim.analysis.churn` - churn features and a decision tree
* :mod:`~crmsim.analysis.associations` - market baskets and sequential patterns
* :mod:`~crmsim.analysis.warehouse` - a DuckDB star-schema data warehouse
* :mod:`~crmsim.analysis.truth` - scoring estimates against the simulator's truth
* :mod:`~crmsim.analysis.synthetic` - small synthetic BTYD data with known truth
"""

from crmsim.analysis.associations import (
    association_rules,
    basket_matrix,
    frequent_itemsets,
    next_item_transitions,
    plot_transitions,
)
from crmsim.analysis.btyd import (
    BTYD_MODELS,
    BGNBDFit,
    GammaGammaFit,
    MBGNBDFit,
    ParetoNBDFit,
    clv_bgnbd_gg,
    expected_cumulative_transactions,
    fit_bgnbd,
    fit_btyd,
    fit_gamma_gamma,
    fit_mbgnbd,
    fit_pareto_nbd,
)
from crmsim.analysis.churn import (
    churn_features,
    dropped_out_by,
    evaluate_churn,
    fit_churn_tree,
    inactive_in_window,
    plot_roc,
    tree_rules,
)
from crmsim.analysis.clv import simple_clv
from crmsim.analysis.cohorts import (
    cohort_retention,
    kaplan_meier,
    lifetimes_from_log,
    plot_cohort_heatmap,
    plot_survival,
)
from crmsim.analysis.plots import (
    plot_calibration,
    plot_clv_distribution,
    plot_cumulative_transactions,
    plot_frequency_histogram,
    plot_predicted_vs_actual,
)
from crmsim.analysis.pyramid import (
    combined_classification,
    customer_value,
    level,
    plot_pyramid,
    pyramid_summary,
    value_pyramid,
)
from crmsim.analysis.rfm import plot_rfm_heatmap, rfm_scores, rfm_segments, rfm_table
from crmsim.analysis.segmentation import (
    KMeansSegmentation,
    elbow_table,
    kmeans_segments,
    plot_elbow,
    segment_profile,
)
from crmsim.analysis.summaries import calibration_and_holdout_data, summary_data_from_log
from crmsim.analysis.synthetic import bgnbd_log, mbgnbd_log, pareto_nbd_log
from crmsim.analysis.tracking import (
    calendar_effects,
    compare_logs,
    dispersion,
    expected_weekly_repeats,
    first_vs_repeat_spend,
    plot_repeat_histograms,
    plot_tracking,
    repeat_conversion,
    repeat_histogram,
    repeat_rate_by_tenure,
    spend_by_order_number,
    trial_curve,
    weekly_tracking,
    weekly_variability,
)
from crmsim.analysis.truth import (
    compare_estimators,
    score_classification,
    score_regression,
)
from crmsim.analysis.warehouse import build_warehouse, query, star_schema_tables

__all__ = [
    "BGNBDFit",
    "BTYD_MODELS",
    "GammaGammaFit",
    "KMeansSegmentation",
    "MBGNBDFit",
    "ParetoNBDFit",
    "association_rules",
    "basket_matrix",
    "bgnbd_log",
    "build_warehouse",
    "calendar_effects",
    "calibration_and_holdout_data",
    "churn_features",
    "clv_bgnbd_gg",
    "cohort_retention",
    "combined_classification",
    "compare_estimators",
    "compare_logs",
    "customer_value",
    "dispersion",
    "dropped_out_by",
    "elbow_table",
    "evaluate_churn",
    "expected_cumulative_transactions",
    "expected_weekly_repeats",
    "first_vs_repeat_spend",
    "fit_bgnbd",
    "fit_btyd",
    "fit_churn_tree",
    "fit_gamma_gamma",
    "fit_mbgnbd",
    "fit_pareto_nbd",
    "frequent_itemsets",
    "inactive_in_window",
    "kaplan_meier",
    "kmeans_segments",
    "level",
    "lifetimes_from_log",
    "mbgnbd_log",
    "next_item_transitions",
    "pareto_nbd_log",
    "plot_calibration",
    "plot_clv_distribution",
    "plot_cohort_heatmap",
    "plot_cumulative_transactions",
    "plot_elbow",
    "plot_frequency_histogram",
    "plot_predicted_vs_actual",
    "plot_pyramid",
    "plot_repeat_histograms",
    "plot_rfm_heatmap",
    "plot_roc",
    "plot_survival",
    "plot_tracking",
    "plot_transitions",
    "pyramid_summary",
    "query",
    "repeat_conversion",
    "repeat_histogram",
    "repeat_rate_by_tenure",
    "rfm_scores",
    "rfm_segments",
    "rfm_table",
    "score_classification",
    "score_regression",
    "segment_profile",
    "simple_clv",
    "spend_by_order_number",
    "star_schema_tables",
    "summary_data_from_log",
    "tree_rules",
    "trial_curve",
    "value_pyramid",
    "weekly_tracking",
    "weekly_variability",
]
