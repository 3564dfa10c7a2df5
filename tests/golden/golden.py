"""Golden outputs: digests of what fixed seeds produce, recorded from the code before the
package was reorganised (issue 17), so a refactoring that changes a single byte fails.

Each run turns into named tables; a table's digest is the SHA-256 of its CSV text (CSV, not
Parquet, so that a new pyarrow writing other metadata changes nothing). Regenerate only when
a change is meant to alter outputs, in a commit of its own:

    .venv/bin/python -m tests.golden.golden > tests/golden/digests.json
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

DIGESTS = Path(__file__).with_name("digests.json")

RETENTION = ["loyalty_program", "win_back", "discount", "proactive_care", "vip_tiering",
             "personalised_offers"]
EMPOWERMENT = ["suggestion_right", "choice_right", "decision_right", "participation",
               "information_sharing", "customer_rewards", "customer_training"]


def _result_tables(res) -> dict:
    names = ("customers", "transactions", "events", "true_events", "kpis", "products", "ledger")
    return {name: getattr(res, name) for name in names}


def _simulate(scenario, **kw):
    import crmsim

    return lambda: _result_tables(crmsim.simulate(scenario, **kw))


def _compare():
    import crmsim

    table = crmsim.compare("retail", ["none", "win_back", "loyalty_program:target=tier=A|B"],
                           replications=2, seed=5, customers=800, years=1.0)
    return {"compare": table}


def _rounds():
    import crmsim
    from crmsim import rounds

    m = rounds.open_market("retail", seed=11, customers=1500, years=1.0)
    reports = [rounds.advance(m, {"strategies": ["loyalty_program"], "seats": 12}, days=91),
               rounds.advance(m, {"strategies": ["win_back", "participation"],
                                  "discount": 0.1}, days=91)]
    out = {f"round{i}_ledger": r.ledger for i, r in enumerate(reports)}
    out["round_kpis"] = pd.DataFrame([r.kpis for r in reports])
    out.update({f"after_{k}": v for k, v in _result_tables(rounds.result(m)).items()})
    played = crmsim.simulate("retail", seed=11, customers=1500, years=1.0, schedule=[
        (0, {"strategies": ["customer_rewards"], "acquisition": {"online_ads": 2000.0}}),
        (120, {"strategies": ["decision_right"]})])
    out.update({f"schedule_{k}": v for k, v in _result_tables(played).items()})
    return out


def _rollout():
    import crmsim

    res = crmsim.simulate_rollout({"team_size": 4, "data_quality": 0.5}, seed=3)
    plans = crmsim.compare_plans({"base": {}, "support": {"top_management_support": 0.9}},
                                 replications=3, seed=2)
    return {"phases": res.phases, "weekly": res.weekly, "ledger": res.ledger,
            "summary": pd.DataFrame([res.summary]), "compare_plans": plans}


def _assignment():
    from crmsim import assignment

    out = {}
    for ex in ("ex03-customer-value", "ex07-implementation"):
        data = assignment.generate(ex, "s0042", secret="golden")
        out.update({f"{ex}_{k}": v for k, v in data.tables().items()})
        out.update({f"{ex}_extra_{k}": v for k, v in data.extra.items()
                    if isinstance(v, pd.DataFrame)})
    return out


RUNS = {
    "retail_retention": _simulate("retail", customers=2000, years=2.0, seed=3,
                                  strategies=RETENTION),
    "retail_empowerment": _simulate("retail", customers=2000, years=2.0, seed=4,
                                    strategies=EMPOWERMENT),
    "retail_targeted": _simulate("retail", customers=1500, years=1.5, seed=8, strategies=[
        "win_back:target=tier=A|B", {"discount": {"rate": 0.1}}]),
    "b2b": _simulate("b2b", customers=600, years=2.0, seed=5,
                     strategies=["vip_tiering", "customer_training"]),
    "cdnow": _simulate("cdnow", customers=1000, seed=6),
    "compare": _compare,
    "rounds": _rounds,
    "rollout": _rollout,
    "assignment": _assignment,
}


def digest(df: pd.DataFrame) -> str:
    return hashlib.sha256(df.to_csv(index=False).encode("utf-8")).hexdigest()


def compute(name: str) -> dict[str, str]:
    return {table: digest(df) for table, df in sorted(RUNS[name]().items())}


def main() -> None:
    json.dump({name: compute(name) for name in RUNS}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
