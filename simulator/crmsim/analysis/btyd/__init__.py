"""Buy-till-you-die (BTYD) models: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma spend.

The three purchase-count models describe a non-contractual customer base from frequency
``x`` (repeat purchases), recency ``t_x`` and age ``T``: purchases follow a Poisson
process with rate λ ~ Gamma(r, α) while the customer is "alive", and each customer
silently drops out (客户流失) at some unobserved moment. They differ only in *when*
dropout can happen:

* BG/NBD (Fader, Hardie & Lee 2005; :func:`fit_bgnbd`): a coin with dropout probability
  p ~ Beta(a, b) is tossed after every *repeat* purchase, so a customer without repeats
  is always alive.
* MBG/NBD (Batislam, Denizel & Filiztekin 2007; :func:`fit_mbgnbd`): the coin is also
  tossed right after the *first* purchase, so one-time buyers may already be gone.
* Pareto/NBD (Schmittlein, Morrison & Colombo 1987; :func:`fit_pareto_nbd`): dropout
  happens in continuous time, an exponential lifetime with rate μ ~ Gamma(s, β),
  independent of λ.

Gamma-Gamma (Fader, Hardie & Lee 2005b; :func:`fit_gamma_gamma`) models how much each
customer spends per purchase, and :func:`clv_bgnbd_gg` combines it with BG/NBD into a
discounted CLV per customer.

One model per module, each method citing its paper's equation: :mod:`.bgnbd`,
:mod:`.mbgnbd`, :mod:`.pareto_nbd`, :mod:`.gamma_gamma`; :mod:`.value` (CLV from the
fits) and :mod:`.registry` (the models by name). All fits use the maximum-likelihood
machinery of :mod:`.base` (optimised on log-parameters; standard errors from the
numerical Hessian) and return frozen :class:`~.base.Fit` objects with ``params``, ``se``,
``loglik``, ``n``, ``summary()`` and pure prediction methods.
"""

from crmsim.analysis.btyd.base import DEGENERATE_LIMIT, GRADIENT_TOLERANCE, CountFit, Fit
from crmsim.analysis.btyd.bgnbd import BGNBDFit, expected_cumulative_transactions, fit_bgnbd
from crmsim.analysis.btyd.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from crmsim.analysis.btyd.mbgnbd import MBGNBDFit, fit_mbgnbd
from crmsim.analysis.btyd.pareto_nbd import ParetoNBDFit, fit_pareto_nbd
from crmsim.analysis.btyd.registry import BTYD_MODELS, fit_btyd
from crmsim.analysis.btyd.value import clv_bgnbd_gg

__all__ = [
    "BGNBDFit",
    "BTYD_MODELS",
    "DEGENERATE_LIMIT",
    "GRADIENT_TOLERANCE",
    "CountFit",
    "Fit",
    "GammaGammaFit",
    "MBGNBDFit",
    "ParetoNBDFit",
    "clv_bgnbd_gg",
    "expected_cumulative_transactions",
    "fit_bgnbd",
    "fit_btyd",
    "fit_gamma_gamma",
    "fit_mbgnbd",
    "fit_pareto_nbd",
]
