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
from crmsim.latent import DIMENSIONS, TEMPERAMENTS
from crmsim.lifecycle import STAGES
from crmsim.population import CREDIT, CUSTOMER_TYPES, catalogue

CHANNELS = ["", "launch", "campaign", "referral"]
TABLES = ("customers", "transactions", "events", "true_events", "kpis", "products")
EVENT_KINDS = ["campaign", "contact", "service_request", "complaint", "referral", "stage_change",
               "strategy_action"]


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

    def summary(self) -> pd.DataFrame:
        """One-row-per-metric table of the run's headline numbers."""
        return summarise(self)

    @classmethod
    def load(cls, folder) -> SimulationResult:
        """Read a run written by :meth:`save` (Parquet tables and ``run.json``)."""
        from crmsim.scenarios import build

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
        from crmsim.output import staged_folder

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
        meta = {"scenario": self.scenario.to_dict(), "seed": self.seed,
                "strategies": [{"name": s, "params": p} for s, p in self.strategies]}
        (folder / "run.json").write_text(json.dumps(meta, indent=2, sort_keys=True,
                                                    ensure_ascii=False, default=str) + "\n",
                                         encoding="utf-8")


def _dates(sc, ts) -> np.ndarray:
    """Calendar date-times (to the second) of simulated times; NaT where time is NaN."""
    ts = np.asarray(ts, float)
    secs = np.round(ts * (86400.0 if sc["market"]["time_unit"] == "day" else 7 * 86400.0))
    out = np.datetime64(sc.start, "s") + np.nan_to_num(secs).astype("timedelta64[s]")
    out = out.astype("datetime64[ns]")
    out[np.isnan(ts)] = np.datetime64("NaT")
    return out


def _cat(codes, names) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes), categories=list(names))


def build_result(m, strategies, seed) -> SimulationResult:
    sc = m.sc
    products = catalogue(sc["population"])
    customers = _customers(m)
    transactions = _transactions(m, products)
    events = _events(m)
    true_events = _true_events(m)
    kpis = _kpis(m, transactions, events, true_events)
    return SimulationResult(customers, transactions, events, true_events, kpis,
                            products.drop(columns=["category_code", "companion"]).assign(
                                companion=products["product"].to_numpy()[
                                    products["companion"].to_numpy()]),
                            sc, [(s.name, p) for s, p in strategies], seed)


def _customers(m) -> pd.DataFrame:
    pp, sc = m.people, m.sc
    regions = sc["population"]["regions"]
    lat = m.latent
    df = pd.DataFrame({
        "customer_id": np.arange(m.n, dtype=np.int64),
        "customer_type": _cat(pp["customer_type"], CUSTOMER_TYPES),
        "region": _cat(pp["region"], regions),
        "age": pp["age"],
        "gender": _cat(pp["gender"], ["F", "M", ""]),
        "income": pp["income"],
        "household_size": pp["household_size"],
        "credit_rating": _cat(pp["credit_rating"], CREDIT),
        "temperament": _cat(pp["temperament"], TEMPERAMENTS),
        "channel": _cat(m.channel, CHANNELS),
        "acquired": m.acquired.copy(),
        "acquisition_time": m.acq_time,
        "acquisition_date": _dates(sc, m.acq_time),
        "contacted": m.contacted.copy(),
        "final_stage": _cat(m.stage, STAGES),
        "true_purchase_rate": pp["lam"],
        "true_dropout_prob": pp["p"],
        "true_spend_scale": pp["nu"],
        "true_alive": m.acquired & m.alive,
        "true_dropout_time": np.where(m.acquired & ~m.alive, m.dropout_time, np.nan),
        "true_satisfaction": lat["satisfaction"],
        "true_trust": lat["trust"],
        "true_belonging": lat["belonging"],
        "true_loyalty": lat["loyalty"],
    })
    for i, d in enumerate(DIMENSIONS):
        df[f"true_{d}"] = lat["dims"][:, i]
    return df[list(schema.CUSTOMERS)]


def _transactions(m, products: pd.DataFrame) -> pd.DataFrame:
    """Expand orders into basket lines: categories by preference, companions, split value."""
    cust = np.concatenate(m.order_cols["customer"]) if m.order_cols["customer"] else np.array([],
                                                                                          int)
    time = np.concatenate(m.order_cols["time"]) if m.order_cols["time"] else np.array([])
    value = np.concatenate(m.order_cols["value"]) if m.order_cols["value"] else np.array([])
    order = np.lexsort((cust, time))
    cust, time, value = cust[order], time[order], value[order]
    n_orders = len(cust)
    pop = m.sc["population"]
    rng = m.rng_baskets
    n_lines = 1 + np.minimum(rng.poisson(pop["basket_extra_items"], n_orders), 5)
    line_order = np.repeat(np.arange(n_orders), n_lines)
    cum = np.cumsum(m.people["prefs"], axis=1)
    u = rng.random(len(line_order))
    cat = (cum[cust[line_order]] < u[:, None]).sum(axis=1)
    cat = np.minimum(cat, cum.shape[1] - 1)
    k = pop["products_per_category"]
    prod = cat * k + rng.integers(0, k, len(line_order))
    comp = rng.random(len(line_order)) < pop["companion_prob"]
    line_order = np.concatenate([line_order, line_order[comp]])
    prod = np.concatenate([prod, products["companion"].to_numpy()[prod[comp]]])
    # one line per (order, product)
    key = line_order * len(products) + prod
    key, units = np.unique(key, return_counts=True)
    line_order, prod = key // len(products), key % len(products)
    price = products["price"].to_numpy()[prod]
    weight = price * units
    share = weight / np.bincount(line_order, weights=weight, minlength=n_orders)[line_order]
    amount = np.round(value[line_order] * share, 2)
    quantity = np.maximum(1, np.round(amount / price)).astype(np.int64)
    ts = time[line_order]
    return pd.DataFrame({
        "order_id": line_order.astype(np.int64),
        "customer_id": cust[line_order].astype(np.int64),
        "timestamp": ts,
        "date": _dates(m.sc, ts),
        "product": _cat(prod, products["product"]),
        "category": _cat(products["category_code"].to_numpy()[prod], pop["categories"]),
        "quantity": quantity,
        "amount": amount,
    })


def _events(m) -> pd.DataFrame:
    cols = ["timestamp", "customer_id", "kind", "detail", "from_stage", "to_stage", "wait",
            "service_time", "cost", "related_customer"]
    parts = []
    if m.rows:
        parts.append(pd.DataFrame(m.rows, columns=cols))
    for b in m.batches:
        n = len(b["customer_id"])
        parts.append(pd.DataFrame({
            "timestamp": np.asarray(b["timestamp"], float),
            "customer_id": np.asarray(b["customer_id"], np.int64),
            "kind": b["kind"],
            "detail": np.broadcast_to(np.asarray(b["detail"], dtype=object), (n,)),
            "from_stage": b["from_stage"] if b["from_stage"] is not None else None,
            "to_stage": b["to_stage"] if b["to_stage"] is not None else None,
            "wait": np.nan, "service_time": np.nan,
            "cost": float(b["cost"]),
            "related_customer": (np.asarray(b["related_customer"], np.int64)
                                 if b["related_customer"] is not None else -1),
        }))
    ev = (pd.concat(parts, ignore_index=True) if parts
          else pd.DataFrame({c: [] for c in cols}))
    ev["customer_id"] = ev["customer_id"].astype(np.int64)
    ev["related_customer"] = ev["related_customer"].astype(np.int64)
    for c in ("timestamp", "wait", "service_time", "cost"):
        ev[c] = ev[c].astype(float)
    for c in ("detail", "from_stage", "to_stage"):
        ev[c] = ev[c].astype(object)
    kind_rank = {k: i for i, k in enumerate(EVENT_KINDS)}
    ev["_k"] = ev["kind"].map(kind_rank)
    ev = ev.sort_values(["timestamp", "_k", "customer_id"], kind="stable").drop(columns="_k")
    ev = ev.reset_index(drop=True)
    ev["kind"] = pd.Categorical(ev["kind"], categories=EVENT_KINDS)
    ev.insert(1, "date", _dates(m.sc, ev["timestamp"].to_numpy()))
    return ev[list(schema.EVENTS)]


def _true_events(m) -> pd.DataFrame:
    parts = [pd.DataFrame({"timestamp": np.asarray(r["timestamp"], float),
                           "customer_id": np.asarray(r["customer_id"], np.int64),
                           "kind": r["kind"]}) for r in m.true_rows if len(r["customer_id"])]
    te = (pd.concat(parts, ignore_index=True) if parts
          else pd.DataFrame({"timestamp": [], "customer_id": [], "kind": []}))
    te = te.astype({"timestamp": float, "customer_id": np.int64})
    te = te.sort_values(["timestamp", "customer_id"], kind="stable").reset_index(drop=True)
    te["kind"] = pd.Categorical(te["kind"], categories=["dropout", "reactivation"])
    return te


def _per_period(ts, weights, period, n):
    idx = np.minimum((np.asarray(ts, float) // period).astype(np.int64), n - 1)
    return np.bincount(idx, weights=weights, minlength=n)[:n]


def _kpis(m, tx, ev, te) -> pd.DataFrame:
    sc = m.sc
    period, n = sc["market"]["kpi_period"], m.n_periods
    starts = np.arange(n) * period
    length = np.minimum(period, m.horizon - starts) / period
    orders = tx.drop_duplicates("order_id")
    acq = m.acq_time[m.acquired]
    kind = ev["kind"].to_numpy()
    ts = ev["timestamp"].to_numpy()
    cost = ev["cost"].to_numpy()
    calls = kind == "service_request"
    lapsed = (kind == "stage_change") & (ev["to_stage"].to_numpy() == "terminated")
    revenue = _per_period(tx["timestamp"], tx["amount"], period, n)
    margin = revenue * sc["market"]["gross_margin"]
    acq_cost = _per_period(ts[kind == "contact"], cost[kind == "contact"]
                           * (ev["detail"].to_numpy()[kind == "contact"] == "acquisition"),
                           period, n)
    strat = (kind == "strategy_action") | ((kind == "contact")
                                           & (ev["detail"].to_numpy() != "acquisition"))
    strat_cost = _per_period(ts[strat], cost[strat], period, n)
    service_cost = m.seats * sc["service"]["seat_cost"] * length
    n_calls = _per_period(ts[calls], None, period, n)
    waits = _per_period(ts[calls], ev["wait"].to_numpy()[calls], period, n)
    snaps = pd.DataFrame(m.snapshots[:n])
    df = pd.DataFrame({
        "period": np.arange(n, dtype=np.int64),
        "period_start": _dates(sc, starts),
        "period_length": np.minimum(period, m.horizon - starts),
        "active": snaps["active"].to_numpy(np.int64),
        "new": _per_period(acq, None, period, n).astype(np.int64),
        "truly_churned": _per_period(te["timestamp"][te["kind"] == "dropout"], None, period,
                                     n).astype(np.int64),
        "observed_lapsed": _per_period(ts[lapsed], None, period, n).astype(np.int64),
        "orders": _per_period(orders["timestamp"], None, period, n).astype(np.int64),
        "revenue": revenue,
        "gross_margin": margin,
        "acquisition_cost": acq_cost,
        "service_cost": service_cost,
        "strategy_cost": strat_cost,
        "profit": margin - acq_cost - service_cost - strat_cost,
        "mean_satisfaction": snaps["mean_satisfaction"].to_numpy(float),
        "mean_loyalty": snaps["mean_loyalty"].to_numpy(float),
        "service_requests": n_calls.astype(np.int64),
        "mean_wait": np.where(n_calls > 0, waits / np.maximum(n_calls, 1), np.nan),
    })
    for s in STAGES:
        df[f"n_{s}"] = snaps[f"n_{s}"].to_numpy(np.int64)
    return df


def summarise(res: SimulationResult) -> pd.DataFrame:
    k, c = res.kpis, res.customers
    acquired = c["acquired"].sum()
    rows = [
        ("people in the market", len(c)),
        ("customers acquired", int(acquired)),
        ("truly alive at the end", int(c["true_alive"].sum())),
        ("orders", int(k["orders"].sum())),
        ("revenue", round(float(k["revenue"].sum()), 2)),
        ("acquisition cost", round(float(k["acquisition_cost"].sum()), 2)),
        ("service cost", round(float(k["service_cost"].sum()), 2)),
        ("strategy cost", round(float(k["strategy_cost"].sum()), 2)),
        ("profit", round(float(k["profit"].sum()), 2)),
        ("retention (alive / acquired)", round(float(c["true_alive"].sum() / max(acquired, 1)),
                                               4)),
        ("customer value (profit per acquired customer)",
         round(float(k["profit"].sum() / max(acquired, 1)), 2)),
        ("mean satisfaction at the end", round(float(k["mean_satisfaction"].iloc[-1]), 4)),
        ("mean wait, hours", round(float(res.events.loc[
            res.events["kind"] == "service_request", "wait"].mean()), 4)),
    ]
    df = pd.DataFrame(rows, columns=["metric", "value"])
    df["value"] = pd.Series([v for _, v in rows], dtype=object)
    return df
