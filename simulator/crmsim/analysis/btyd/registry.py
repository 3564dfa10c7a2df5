"""The buy-till-you-die purchase-count models by name, so they can be fitted and compared."""

from __future__ import annotations

from crmsim.analysis.btyd.bgnbd import fit_bgnbd
from crmsim.analysis.btyd.mbgnbd import fit_mbgnbd
from crmsim.analysis.btyd.pareto_nbd import fit_pareto_nbd
from crmsim.errors import invalid

__all__ = ["BTYD_MODELS", "fit_btyd"]

#: The buy-till-you-die models by name, each fitted from (frequency, recency, T).
BTYD_MODELS = {"bgnbd": fit_bgnbd, "mbgnbd": fit_mbgnbd, "pareto_nbd": fit_pareto_nbd}


def fit_btyd(frequency, recency, T, *, model: str = "bgnbd", initial=None):
    """Fit one of the buy-till-you-die models in :data:`BTYD_MODELS` by name.

    All fits are :class:`~crmsim.analysis.btyd.base.CountFit` objects: they share
    ``params``, ``se``, ``loglik``, ``summary()``, ``log_likelihood()``, ``p_alive()``,
    ``expected_purchases()`` and ``expected_purchases_new()``, so they can be compared on
    the same data (same number of parameters: compare ``loglik`` directly).
    """
    if model not in BTYD_MODELS:
        raise invalid("model", model, "one of " + ", ".join(sorted(BTYD_MODELS)))
    return BTYD_MODELS[model](frequency, recency, T, initial=initial)
