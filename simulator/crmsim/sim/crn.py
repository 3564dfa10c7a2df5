"""Common random numbers: the same random draw for the same customer and the same occasion.

A comparison of strategies is only fair if luck is shared: customer 17's third
purchase gap, its dropout coin after that purchase and the amount it spends must
be the same draw whichever strategy is running, even though the strategies make
the simulation take different paths. A sequential random stream cannot promise
that (one extra draw shifts all later ones), so the draws that decide the money
come from a counter-based generator: a hash of (seed, purpose, customer, occasion)
run through the SplitMix64 finaliser, vectorised in numpy. Same inputs, same
number, on any machine.
"""

from __future__ import annotations

import numpy as np

from crmsim.errors import check_whole

# purposes: one per kind of decision
GAP, DROPOUT, SPEND, CALL, CALL_DELAY, CONTACT, CONVERT, REFERRAL, REFERRAL_TARGET, \
    REFERRAL_CONVERT, WINBACK, LIFE, DECLINE, CALL_HOUR, SHOCK, RESCUE, TALK, \
    COMPLAINT = range(1, 19)
#: purposes of the contacts a round's acquisition budget buys (crmsim.sim.acquisition)
BUDGET_PICK, BUDGET_CONVERT = 101, 102

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_M4 = np.uint64(0xD6E8FEB86659FD93)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _M2
    x = x ^ (x >> np.uint64(27))
    x = x * _M3
    return x ^ (x >> np.uint64(31))


def uniform(seed: int, purpose: int, customer, occasion) -> np.ndarray:
    """Uniform(0, 1) draws, one per (customer, occasion) pair, never exactly 0 or 1."""
    c = np.asarray(customer, dtype=np.int64).astype(np.uint64)
    k = np.asarray(occasion, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        base = _mix(np.uint64(seed) * _M1 + np.uint64(purpose) * _M4)
        x = _mix(base ^ (c * _M1))
        x = _mix(x ^ (k * _M4 + _M2))
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def exponential(seed: int, purpose: int, customer, occasion) -> np.ndarray:
    """Exp(1) draws by inversion of :func:`uniform`."""
    return -np.log(uniform(seed, purpose, customer, occasion))


#: seeds feed 64-bit counter-based draws (crmsim.sim.crn), so they must fit 64 bits
MAX_SEED = 2**64 - 1


def check_seed(seed) -> int:
    """The seed as an int, or a one-line error naming it."""
    return check_whole("seed", seed, 0, MAX_SEED, "a whole number in [0, 2**64 - 1]")
