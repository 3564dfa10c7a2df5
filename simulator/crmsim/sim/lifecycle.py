"""Lifecycle stages (客户关系生命周期) and the rules that assign them.

The firm reviews every customer at the end of each simulation step and puts it
in exactly one stage. The rules use what a CRM system can see (orders, gaps
between orders, tenure) plus one thing the firm knows because it did it
(a win-back contact that brought the customer back):

=============  ==============================================================
stage          rule (checked top to bottom, first match wins)
=============  ==============================================================
potential      not (yet) a customer                                潜在客户期
terminated     no order for ``termination_gap``                    终止期
win_back       came back after a win-back contact within           (挽回)
               ``winback_window``
decline        no order for max(``decline_min_gap``,               衰退期
               ``decline_factor`` x own mean gap between orders)
development    at most ``development_orders`` orders               开发期
maturity       at least ``maturity_orders`` orders and tenure      成熟期
               >= ``maturity_tenure``
growth         everything else (repeat buyer, not yet mature)      成长期
=============  ==============================================================
"""

from __future__ import annotations

import numpy as np

STAGES = ("potential", "development", "growth", "maturity", "decline", "terminated", "win_back")
CODE = {s: i for i, s in enumerate(STAGES)}


def assign_stages(now: float, acquired, orders, first_order, last_order, won_back_at,
                  rules: dict) -> np.ndarray:
    """Return the stage code of every customer at time ``now`` (arrays over customers).

    ``won_back_at`` is the time of the last win-back comeback (NaN if none).
    """
    n = len(acquired)
    stage = np.full(n, CODE["growth"], dtype=np.int8)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = now - last_order
        mean_gap = np.where(orders > 1, (last_order - first_order) / (orders - 1), np.nan)
        decline_gap = np.maximum(rules["decline_min_gap"],
                                 rules["decline_factor"] * np.nan_to_num(mean_gap, nan=np.inf))
        tenure = now - first_order
        mature = (orders >= rules["maturity_orders"]) & (tenure >= rules["maturity_tenure"])
        winback = (now - won_back_at) <= rules["winback_window"]
    stage[mature] = CODE["maturity"]
    stage[orders <= rules["development_orders"]] = CODE["development"]
    stage[gap > decline_gap] = CODE["decline"]
    stage[winback & (gap <= rules["termination_gap"])] = CODE["win_back"]
    stage[gap > rules["termination_gap"]] = CODE["terminated"]
    stage[~acquired] = CODE["potential"]
    return stage
