"""``SimulationResult``: the tidy tables of one run, and how they are built and saved.

Columns of every table are documented in :mod:`crmsim.schema`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim import schema
from crmsim.errors import CrmsimError, invalid
from crmsim.output import staged_folder
from crmsim.sim.acquisition import CHANNELS
from crmsim.sim.latent import DIMENSIONS, TEMPERAMENTS
from crmsim.sim.ledger import money_columns, totals_by
from crmsim.sim.lifecycle import STAGES
from crmsim.sim.market import TRUE_KINDS
from crmsim.sim.population import CREDIT, CUSTOMER_TYPES
from crmsim.sim.scenarios import build

TABLES = ("customers", "transactions", "events", "true_events", "kpis", "products", "ledger")


@dataclass
class SimulationResult:
    """Tables of one simulation run (see :mod:`crmsim.schema` for every column)."""

    customers: pd.DataFrame
    transactions: pd.DataFrame
    events: pd.DataFrame
    true_events: pd.DataFrame
    kpis: pd.DataFrame
    products: pd.DataFrame
    scenario: object
    strategies: list = field(default_factory=list)
    seed: int = 0
    ledger: pd.DataFrame = None

    def summary(self) -> pd.DataFrame:
        """One-row-per-metric table of the run's headline numbers."""
        return summarise(self)

    @classmethod
    def load(cls, folder) -> SimulationResult:
        """Read a run written by :meth:`save` (Parquet tables and ``run.json``)."""
        folder = Path(folder)
        allowed = "a folder written by SimulationResult.save (run.json and Parquet tables)"
        try:
            meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
            sc = dict(meta["scenario"])
            scenario = build(sc.pop("name"), sc.pop("description", ""), sc)
            tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
            strategies = [(s["name"], s["params"]) for s in meta["strategies"]]
            seed = meta["seed"]
        except CrmsimError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise invalid("folder", str(folder), f"{allowed}; {why[:200]}") from None
        return cls(**tables, scenario=scenario, strategies=strategies, seed=seed)

    def save(self, out, *, csv: bool = False, force: bool = False) -> Path:
        """Write every table as Parquet (and CSV if asked) plus ``run.json`` into ``out``.

        Everything is written to a hidden sibling folder that is renamed to ``out`` at the
        end, so a failure or interrupt leaves nothing half-written. ``out`` must be new or
        empty; ``force=True`` replaces an existing folder (in one step, no stale files).
        """
        with staged_folder("out", out, force=force) as tmp:
            self.write_tables(tmp, csv=csv)
        return Path(out)

    def write_tables(self, folder, *, csv: bool = False) -> None:
        """Write the tables and ``run.json`` into an existing ``folder`` (used by
        :meth:`save` and by the CLI, which adds the report before moving into place)."""
        folder = Path(folder)
        for name in TABLES:
            df = getattr(self, name)
            df.to_parquet(folder / f"{name}.parquet", index=False)
            if csv:
                df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
        write_meta(folder, self.scenario, self.seed, self.strategies)


def write_meta(folder: Path, scenario, seed: int, strategies: list) -> None:
    """``run.json``: the scenario, seed and strategies that :meth:`SimulationResult.load`
    reads back."""
    meta = {"scenario": scenario.to_dict(), "seed": seed,
            "strategies": [{"name": s, "params": p} for s, p in strategies]}
    (Path(folder) / "run.json").write_text(json.dumps(meta, indent=2, sort_keys=True,
                                                      ensure_ascii=False, default=str) + "\n",
                                           encoding="utf-8")


def dates(sc, ts) -> np.ndarray:
    """Calendar date-times (to the second) of simulated times; NaT where time is NaN."""
    ts = np.asarray(ts, float)
    secs = np.round(ts * (86400.0 * sc.days_per_unit))
    out = np.datetime64(sc.start, "s") + np.nan_to_num(secs).astype("timedelta64[s]")
    out = out.astype("datetime64[ns]")
    out[np.isnan(ts)] = np.datetime64("NaT")
    return out


def _cat(codes, names) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes), categories=list(names))


def build_result(m, strategies, seed) -> SimulationResult:
    sc = m.sc
    transactions = _transactions(m, m.products)
    events = event_table(m)
    ledger = ledger_table(m)
    true_events = true_event_table(m)
    kpis = _kpis(m, transactions, events, true_events, ledger)
    return SimulationResult(customer_table(m), transactions, events, true_events, kpis,
                            product_table(m.products), sc,
                            [(s.name, p) for s, p in strategies], seed, ledger)


def event_table(m) -> pd.DataFrame:
    """The run's event log as its table (the log is emptied)."""
    events = m.log.frame()
    events.insert(1, "date", dates(m.sc, events["timestamp"].to_numpy()))
    return events[list(schema.EVENTS)]


def ledger_table(m) -> pd.DataFrame:
    """The run's ledger as its table (the ledger is emptied)."""
    ledger = m.ledger.frame()
    ledger.insert(1, "date", dates(m.sc, ledger["timestamp"].to_numpy()))
    return ledger[list(schema.LEDGER)]


def product_table(products: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as its table: companions by name."""
    return products.drop(columns=["category_code", "companion"]).assign(
        companion=products["product"].to_numpy()[products["companion"].to_numpy()])


def customer_table(m, rows: slice = slice(None)) -> pd.DataFrame:
    """The customers table, or the part of it for customers ``rows`` (a slice)."""
    r, sc = rows, m.sc
    pp = {k: v[r] for k, v in m.people.items() if k != "base"}
    rec, h = m.records, m.hidden
    acquired, alive = rec.acquired[r], h.alive[r]
    regions = sc["population"]["regions"]
    lat = {k: v[r] for k, v in m.latent.items()}
    temperament = np.where(pp["surveyed"], pp["temperament"], len(TEMPERAMENTS))
    df = pd.DataFrame({
        "customer_id": np.arange(m.n, dtype=np.int64)[r],
        "customer_type": _cat(pp["customer_type"], CUSTOMER_TYPES),
        "region": _cat(pp["region"], regions),
        "age": pp["age"],
        "gender": _cat(pp["gender"], ["F", "M", ""]),
        "income": pp["income"],
        "household_size": pp["household_size"],
        "credit_rating": _cat(pp["credit_rating"], CREDIT),
        "temperament": _cat(temperament, [*TEMPERAMENTS, ""]),
        "channel": _cat(rec.channel[r], CHANNELS),
        "acquired": acquired.copy(),
        "acquisition_time": rec.acq_time[r],
        "acquisition_date": dates(sc, rec.acq_time[r]),
        "contacted": rec.contacted[r].copy(),
        "final_stage": _cat(rec.stage[r], STAGES),
        "true_temperament": _cat(pp["temperament"], TEMPERAMENTS),
        "true_purchase_rate": pp["lam"],
        "true_dropout_prob": pp["p"],
        "true_dropout_rate": pp["mu"],
        "true_spend_scale": pp["nu"],
        "true_alive": acquired & alive,
        "true_declining": acquired & alive & h.declining[r],
        "true_dropout_time": np.where(acquired & ~alive, h.dropout_time[r], np.nan),
        "true_satisfaction": lat["satisfaction"],
        "true_trust": lat["trust"],
        "true_belonging": lat["belonging"],
        "true_loyalty": lat["loyalty"],
    })
    for i, d in enumerate(DIMENSIONS):
        df[f"true_{d}"] = lat["dims"][:, i]
    return df[list(schema.CUSTOMERS)]


def _transactions(m, products: pd.DataFrame) -> pd.DataFrame:
    """The basket lines drawn in the market, as a tidy table."""
    return transaction_frame(m.sc, products, m.baskets.table())


def transaction_frame(sc, products: pd.DataFrame, t: dict) -> pd.DataFrame:
    """Basket lines (columns of :meth:`Baskets.table`) as a tidy table, built column by
    column, releasing each source array, to keep the peak memory of large runs low."""
    n = len(t["time"])
    prod = t.pop("product").astype(np.int64)
    df = pd.DataFrame(index=pd.RangeIndex(n))
    df["order_id"] = t.pop("order_id").astype(np.int64)
    df["customer_id"] = t.pop("customer").astype(np.int64)
    time = t.pop("time").astype(float)
    df["date"] = dates(sc, time)
    df.insert(2, "timestamp", time)
    df["product"] = _cat(prod, products["product"])
    df["category"] = _cat(products["category_code"].to_numpy()[prod],
                          sc["population"]["categories"])
    del prod
    for col in ("quantity", "amount", "discount", "cost"):
        df[col] = t.pop(col).astype(np.int64 if col == "quantity" else float)
    return df


def true_event_table(m) -> pd.DataFrame:
    rows = m.true_rows
    t = np.concatenate([r[0] for r in rows]) if rows else np.array([])
    ids = np.concatenate([r[1] for r in rows]) if rows else np.array([], np.int64)
    code = (np.concatenate([np.full(len(r[1]), TRUE_KINDS.index(r[2])) for r in rows])
            if rows else np.array([], np.int64))
    order = np.lexsort((ids, t))  # by time, then customer (stable)
    return pd.DataFrame({
        "timestamp": t[order].astype(float),
        "customer_id": ids[order].astype(np.int64),
        "kind": pd.Categorical.from_codes(code[order], categories=list(TRUE_KINDS)),
    })


def _period_index(ts, period, n):
    return np.minimum((np.asarray(ts, float) // period).astype(np.int64), n - 1)


def per_period(ts, weights, period, n):
    return np.bincount(_period_index(ts, period, n), weights=weights, minlength=n)[:n]


def _kpis(m, tx, ev, te, ledger) -> pd.DataFrame:
    period, n = m.sc["market"]["kpi_period"], m.n_periods
    orders = tx.drop_duplicates("order_id")
    return kpi_table(m, per_period(orders["timestamp"], None, period, n).astype(np.int64),
                     event_kpis(m, ev), churn_kpis(m, te), money_kpis(m, ledger))


def event_kpis(m, ev) -> dict[str, np.ndarray]:
    """Per KPI period: terminated customers, service requests and their total wait."""
    period, n = m.sc["market"]["kpi_period"], m.n_periods
    kind = ev["kind"].to_numpy()
    ts = ev["timestamp"].to_numpy()
    calls = kind == "service_request"
    lapsed = (kind == "stage_change") & (ev["to_stage"].to_numpy() == "terminated")
    return {"observed_lapsed": per_period(ts[lapsed], None, period, n).astype(np.int64),
            "n_calls": per_period(ts[calls], None, period, n),
            "waits": per_period(ts[calls], ev["wait"].to_numpy()[calls], period, n)}


def churn_kpis(m, te) -> np.ndarray:
    """Per KPI period: true dropouts."""
    period, n = m.sc["market"]["kpi_period"], m.n_periods
    return per_period(te["timestamp"][te["kind"] == "dropout"], None, period,
                       n).astype(np.int64)


def money_kpis(m, ledger) -> dict[str, np.ndarray]:
    """Per KPI period: the money columns (see :func:`money_columns`)."""
    period, n = m.sc["market"]["kpi_period"], m.n_periods
    return money_columns(totals_by(ledger, _period_index(ledger["timestamp"].to_numpy(),
                                                         period, n), n))


def kpi_table(m, orders: np.ndarray, events: dict, churned: np.ndarray,
              money: dict) -> pd.DataFrame:
    """The KPI table from its per-period parts (built from whole tables by
    :func:`build_result`, or table by table by :mod:`crmsim.streaming`)."""
    sc = m.sc
    period, n = sc["market"]["kpi_period"], m.n_periods
    starts = np.arange(n) * period
    acq = m.records.acq_time[m.records.acquired]
    n_calls, waits = events["n_calls"], events["waits"]
    snaps = pd.DataFrame(m.snapshots[:n])
    df = pd.DataFrame({
        "period": np.arange(n, dtype=np.int64),
        "period_start": dates(sc, starts),
        "period_length": np.minimum(period, m.horizon - starts),
        "active": snaps["active"].to_numpy(np.int64),
        "new": per_period(acq, None, period, n).astype(np.int64),
        "truly_churned": churned,
        "observed_lapsed": events["observed_lapsed"],
        "orders": orders,
        **money,
        "mean_satisfaction": snaps["mean_satisfaction"].to_numpy(float),
        "mean_loyalty": snaps["mean_loyalty"].to_numpy(float),
        "service_requests": n_calls.astype(np.int64),
        "mean_wait": np.where(n_calls > 0, waits / np.maximum(n_calls, 1), np.nan),
    })
    for s in STAGES:
        df[f"n_{s}"] = snaps[f"n_{s}"].to_numpy(np.int64)
    return df[list(schema.KPIS)]


def headline(res: SimulationResult) -> dict:
    """The run's headline numbers: what ``summary()`` shows and ``compare()`` aggregates."""
    calls = res.events["kind"] == "service_request"
    buyers = res.transactions.groupby("customer_id")["order_id"].nunique()
    return headline_of(res.kpis, int(res.customers["acquired"].sum()),
                       int(res.customers["true_alive"].sum()), float(res.ledger["amount"].sum()),
                       buyers.to_numpy(),
                       float(res.events.loc[calls, "wait"].mean()) if calls.any() else np.nan)


def headline_of(k: pd.DataFrame, acquired: int, alive: int, profit: float,
                orders_per_buyer: np.ndarray, mean_wait: float) -> dict:
    """The headline numbers from the KPIs and what they do not hold: customers acquired
    and truly alive, the ledger's total, each buyer's number of orders, the mean wait."""
    return {
        "profit": profit,
        "revenue": float(k["revenue"].sum()),
        "gross_margin": float(k["gross_margin"].sum()),
        "acquisition_cost": float(k["acquisition_cost"].sum()),
        "service_cost": float(k["service_cost"].sum()),
        "strategy_cost": float(k["strategy_cost"].sum()),
        "discounts": float(k["discounts"].sum()),
        "customers_acquired": acquired,
        "orders": int(k["orders"].sum()),
        "first_to_repeat": float((orders_per_buyer >= 2).sum() / max(len(orders_per_buyer), 1)),
        "retention": float(alive / max(acquired, 1)),
        "customer_value": float(profit / max(acquired, 1)),
        "mean_satisfaction": float(k["mean_satisfaction"].iloc[-1]),
        "mean_wait": mean_wait,
    }


LABELS = {
    "profit": "profit", "revenue": "revenue", "gross_margin": "gross margin",
    "acquisition_cost": "acquisition cost", "service_cost": "service cost",
    "strategy_cost": "strategy cost", "discounts": "discounts granted",
    "customers_acquired": "customers acquired", "orders": "orders",
    "first_to_repeat": "first-to-repeat conversion (buyers with 2+ orders)",
    "retention": "retention (alive / acquired)",
    "customer_value": "customer value (profit per acquired customer)",
    "mean_satisfaction": "mean satisfaction at the end", "mean_wait": "mean wait, hours",
}


def summarise(res: SimulationResult) -> pd.DataFrame:
    return summary_table(len(res.customers), int(res.customers["true_alive"].sum()),
                         headline(res))


def summary_table(people: int, alive: int, h: dict) -> pd.DataFrame:
    """The summary's metric/value table from the headline numbers."""
    rows = [("people in the market", people), ("truly alive at the end", alive)]
    rows += [(LABELS[k], round(v, 4) if isinstance(v, float) else v) for k, v in h.items()]
    df = pd.DataFrame(rows, columns=["metric", "value"])
    df["value"] = pd.Series([v for _, v in rows], dtype=object)
    return df


def check_finite(res: SimulationResult) -> SimulationResult:
    """Refuse to return money that overflowed: never a silently infinite profit."""
    check_finite_kpis(res.kpis)
    return res


def check_finite_kpis(kpis: pd.DataFrame) -> None:
    money = kpis.select_dtypes("number").to_numpy(float)
    if not np.isfinite(money[~np.isnan(money)]).all():
        raise CrmsimError("scenario: the run's money overflowed to infinity; the parameters "
                          "are too extreme (expected prices, costs and rates of a real market)")
