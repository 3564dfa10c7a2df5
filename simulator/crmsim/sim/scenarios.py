"""Scenarios: every number that describes a market, with defaults, units and reasons.

A scenario is a nested mapping ``section -> parameter -> value``. ``SPEC`` documents
every parameter; built-in scenarios (``retail``, ``b2b``, ``cdnow``) are small TOML
files of overrides under ``crmsim/data/scenarios/``. Scenarios load from and save to
TOML or YAML and are validated on load, so a typo fails with a one-line message.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from crmsim.errors import CrmsimError, invalid
from crmsim.output import write_file
from crmsim.params import Param, check_text
from crmsim.sim.acquisition import BUDGET_CHANNEL_PARAMS
from crmsim.sim.evidence import cite
from crmsim.sim.latent import BEHAVIOUR, TEMPERAMENTS
from crmsim.sim.population import CREDIT, CUSTOMER_TYPES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


SPEC: dict[str, dict[str, Param]] = {
    "market": {
        "customers": Param(10_000, "people", "people in the market: prospects plus customers",
                           lo=1, hi=5_000_000, kind="int"),
        "years": Param(3.0, "years", "simulated horizon", lo=0, hi=50, lo_open=True),
        "time_unit": Param("day", "-", "unit of simulated time and of every rate",
                           kind="str", choices=("day", "week")),  # the keys of DAYS_PER_UNIT
        "step": Param(7.0, "time units", "length of one vectorised purchase step and stage review",
                      lo=0, hi=365, lo_open=True),
        "kpi_period": Param(28.0, "time units", "length of one KPI period (row of `kpis`)",
                            lo=0, lo_open=True),
        "start_date": Param("2025-01-01", "ISO date", "calendar date of simulated time 0",
                            kind="str"),
        "gross_margin": Param(0.30, "share of list price", "margin at list price: each product's "
                              "unit cost is (1 - gross_margin) x its list price; a discount lowers "
                              "the price paid, never the cost; a typical retail gross margin",
                              lo=0, hi=1),
        "seasonality": Param([1.0] * 12, "x purchase rate", "purchase-rate multiplier for each "
                             "calendar month, January to December (calendar effects)", lo=0,
                             hi=10, kind="floats", choices=(12,)),
        "demand_shock_cv": Param(0.0, "coefficient of variation", "a market-wide demand shock per "
                                 "step multiplies every purchase rate by a Gamma(mean 1) draw with "
                                 "this spread (weather, news, competitors' promotions); 0 = none",
                                 lo=0, hi=2),
        "currency": Param("CNY", "-", "currency label for reports", kind="str"),
        "price_elasticity": Param(1.8, "-", "a round's `discount` decision (crmsim.rounds) lifts "
                                  "every customer's purchase rate by (1 + price_elasticity x "
                                  "discount): -1.8, as the discount strategy, is inside published "
                                  f"mean price elasticities ({cite('price_elasticity_meta')})",
                                  lo=0, hi=10),
    },
    "population": {
        "customer_types": Param({"consumer": 1.0}, "shares", "consumer (一般客户), business "
                                "(企业客户), distributor (渠道分销商) shares", kind="dict",
                                choices=CUSTOMER_TYPES),
        "regions": Param(["North", "East", "South", "West"], "-", "region names (equal shares)",
                         kind="list"),
        "temperaments": Param({t: 0.25 for t in TEMPERAMENTS}, "shares", "temperament shares "
                              "(Quanjude case); equal by default", kind="dict",
                              choices=TEMPERAMENTS),
        "credit_ratings": Param({"A": 0.2, "B": 0.4, "C": 0.3, "D": 0.1}, "shares",
                                "credit rating shares", kind="dict", choices=CREDIT),
        "categories": Param(["grocery", "fresh", "household", "personal_care", "electronics",
                             "apparel"], "-", "product categories", kind="list"),
        "products_per_category": Param(4, "products", "products on sale per category", lo=1, hi=50,
                                       kind="int"),
        "mean_price": Param(40.0, "currency", "mean list price of a product", lo=0,
                            lo_open=True),
        "basket_extra_items": Param(0.8, "lines per order", "mean extra lines per order beyond the "
                                    "first (Poisson)", lo=0, hi=10),
        "companion_prob": Param(0.35, "probability", "chance a line pulls in its product's "
                                "companion (creates association rules to discover)", lo=0, hi=1),
        "temperament_surveyed": Param(0.5, "share of customers", "share of customers whose "
                                      "temperament the firm knows from a survey; only they can be "
                                      "targeted by temperament", lo=0, hi=1),
        "preference_concentration": Param(0.7, "Dirichlet alpha", "how spread a customer's "
                                          "category preferences are; small = concentrated", lo=0,
                                          lo_open=True),
    },
    "purchase": {
        "model": Param("pareto_nbd", "-", "purchase and dropout model: bgnbd (a dropout coin after "
                       "each repeat purchase; Fader, Hardie & Lee 2005), mbgnbd (a coin after "
                       "every purchase, the first included: buyers can leave right after trying; "
                       "Batislam, Denizel & Filiztekin 2007) or pareto_nbd (a lifetime in time, "
                       "independent of how often the customer buys; Schmittlein, Morrison & "
                       "Colombo 1987). With pareto_nbd, buying more often never ends a "
                       "relationship sooner", kind="str",
                       choices=("bgnbd", "mbgnbd", "pareto_nbd")),
        "r": Param(0.3, "-", "shape of the Gamma heterogeneity of purchase rates λ (r); small r = "
                   "many occasional buyers and a few heavy ones (CDNOW: 0.24)", lo=0, lo_open=True),
        "alpha": Param(9.0, "time units", "scale of the Gamma heterogeneity of purchase rates (α); "
                       "mean rate = r/α per time unit", lo=0, lo_open=True),
        "a": Param(1.0, "-", "bgnbd/mbgnbd: Beta shape a of the dropout probability p per coin",
                   lo=0, lo_open=True),
        "b": Param(8.0, "-", "bgnbd/mbgnbd: Beta shape b of the dropout probability; mean p = "
                   "a/(a+b)", lo=0, lo_open=True),
        "s": Param(0.5, "-", "pareto_nbd: shape of the Gamma heterogeneity of dropout rates μ (s); "
                   "small s = a few customers leave fast, most stay long", lo=0, lo_open=True),
        "beta": Param(20.0, "time units", "pareto_nbd: scale of the Gamma heterogeneity of dropout "
                      "rates (β); a customer with rate μ stays 1/μ on average; with r and α chosen "
                      "so that about half of first-time retail buyers buy again within a year: "
                      "more than the average online shop (Opensend 2025: 15-30% buy more than "
                      "once) and like the CDNOW cohort (Fader, Hardie & Lee 2005: 40% within 39 "
                      "weeks, 48% within 78)", lo=0, lo_open=True),
        "p": Param(6.0, "-", "Gamma-Gamma shape of spend per order (p)", lo=0, lo_open=True),
        "q": Param(4.0, "-", "Gamma-Gamma shape of the customers' spend scale (q)", lo=1,
                   lo_open=True),
        "v": Param(30.0, "currency", "Gamma-Gamma scale (v, γ); mean spend = p·v/(q-1)", lo=0,
                   lo_open=True),
        "first_order_spend": Param(0.9, "x repeat order value", "a first (trial) order is drawn "
                                   "separately, with this factor on its mean; retail trial baskets "
                                   "are assumed a little smaller (an assumption: in the CDNOW "
                                   "sample the same customers' second order is 0.99 of their "
                                   "first, and repeat orders are 16% larger only because heavy "
                                   "buyers spend more, see rate_spend_correlation)", lo=0,
                                   lo_open=True),
        "rate_spend_correlation": Param(0.0, "correlation (Gaussian copula)", "customers who buy "
                                        "more often also spend more per order (0 = independent, "
                                        "as Gamma-Gamma assumes; CDNOW: about 0.3, which makes "
                                        "repeat orders 16% larger than first orders on average)",
                                        lo=-0.95, hi=0.95),
        "trial_boost": Param(0.0, "x purchase rate", "extra buying right after the first purchase: "
                             "the rate is (1 + trial_boost x exp(-age / trial_boost_time)); CDNOW "
                             "buyers repeat 1.5 times faster than BG/NBD expects in their first "
                             "weeks; 0 = none", lo=0, hi=10),
        "trial_boost_time": Param(3.0, "time units", "how fast the trial boost fades (time "
                                  "constant)", lo=0, lo_open=True),
    },
    "relationship": {
        "rate_growth": Param(0.5, "x purchase rate", "share of wallet grows with the relationship: "
                             "at full depth the purchase rate is (1 + rate_growth) times the "
                             "first-purchase rate (客户成长期); 0 = a pure buy-till-you-die model",
                             lo=0, hi=5),
        "spend_growth": Param(0.25, "x order value", "order value grows with the relationship "
                              "(trust, upgrades); at full depth (1 + spend_growth) times", lo=0,
                              hi=5),
        "cross_buy_growth": Param(0.6, "basket lines", "extra basket lines per order at full depth "
                                  "(cross-buying in other categories)", lo=0, hi=5),
        "depth_orders": Param(4.0, "orders", "relationship depth = 1 - exp(-repeat orders / "
                              "depth_orders): 63% of the growth is reached after this many repeat "
                              "orders", lo=0, lo_open=True),
        "call_learning": Param(0.5, "share of calls", "experienced customers need less help: at "
                               "full depth the chance of a service call per order is this much "
                               "lower (cheaper to serve in maturity)", lo=0, hi=1),
        "decline_duration": Param(56.0, "time units", "mean length of the hidden decline phase "
                                  "(衰退期) before a relationship ends: the customer already buys "
                                  "elsewhere; 0 = the relationship ends abruptly", lo=0),
        "decline_rate": Param(0.35, "x purchase rate", "purchase rate while declining, relative to "
                              "before (falling share of wallet)", lo=0, hi=1),
    },
    "acquisition": {
        "launch_share": Param(0.25, "share of people", "people who become customers in the opening "
                              "window (the launch cohort)", lo=0, hi=1),
        "launch_window": Param(28.0, "time units", "length of the opening window", lo=0,
                               lo_open=True),
        "launch_profile": Param([], "relative weights", "how first purchases spread over the "
                                "opening window: equal slices, one weight each; empty = uniform",
                                lo=0, kind="floats"),
        "onboarding_cost": Param(10.0, "currency per new customer", "account set-up and welcome "
                                 "pack for each new customer (开发期: the firm invests first)",
                                 lo=0),
        "campaign_interval": Param(28.0, "time units", "time between acquisition campaigns", lo=0,
                                   lo_open=True),
        "contact_share": Param(0.08, "share of prospects", "prospects contacted per campaign", lo=0,
                               hi=1),
        "contact_cost": Param(3.0, "currency per contact", "cost of one campaign contact (mail, "
                              "call, ad impression bundle)", lo=0),
        "conversion_prob": Param(0.10, "probability", "chance a contacted prospect buys within the "
                                 "campaign interval", lo=0, hi=1),
    },
    "channels": {f"{name}_{what}": prm for name, what_prm in BUDGET_CHANNEL_PARAMS.items()
                 for what, prm in what_prm.items()},
    "service": {
        "seats": Param(2, "seats", "call-centre seats (simpy.Resource capacity); small centres "
                       "have < 50", lo=1, hi=10_000, kind="int"),
        "seat_cost": Param(900.0, "currency per seat per KPI period", "wage and system cost of "
                           "one seat", lo=0),
        "request_prob": Param(0.15, "probability per order", "chance an order leads to a call "
                              "(question, problem, complaint)", lo=0, hi=1),
        "request_delay": Param(2.0, "time units", "mean delay from order to call (exponential)",
                               lo=0),
        "service_time": Param(0.5, "hours", "mean handling time of a call (exponential)", lo=0,
                              lo_open=True),
        "patience": Param(2.0, "hours", "how long a caller waits before hanging up (abandons)",
                          lo=0, lo_open=True),
        "call_cost": Param(1.5, "currency per call", "telephony and systems cost of handling one "
                           "call, beyond the seats' wages", lo=0),
        "open_hours": Param(10.0, "hours per day", "calls are taken in this many hours per day; "
                            "24 = round-the-clock service", lo=0, hi=24, lo_open=True),
    },
    "referral": {
        "rate": Param(0.004, "referrals per time unit", "word-of-mouth referrals of a fully "
                      "satisfied customer; scales with satisfaction above the threshold", lo=0),
        "threshold": Param(0.55, "satisfaction", "customers below this satisfaction do not refer",
                           lo=0, hi=1, hi_open=True),
        "conversion_prob": Param(0.30, "probability", "chance a referred prospect becomes a "
                                 "customer (referrals convert better than campaigns)", lo=0, hi=1),
    },
    "lifecycle": {
        "development_orders": Param(1, "orders", "up to this many orders the customer is in "
                                    "development (开发期): the firm invests, the customer "
                                    "contributes little", lo=1, kind="int"),
        "maturity_orders": Param(6, "orders", "from this many orders on a customer can be mature",
                                 lo=2, kind="int"),
        "maturity_tenure": Param(180.0, "time units", "minimum tenure for maturity (成熟期)", lo=0),
        "decline_factor": Param(2.5, "x own mean gap", "decline (衰退期) when the time since the "
                                "last order exceeds this many of the customer's own mean gaps",
                                lo=1),
        "decline_min_gap": Param(60.0, "time units", "decline needs at least this long without "
                                 "an order", lo=0),
        "termination_gap": Param(240.0, "time units", "terminated (终止期) after this long without "
                                 "an order: the firm's view of a lost customer", lo=0,
                                 lo_open=True),
        "winback_window": Param(120.0, "time units", "a won-back customer stays in win_back this "
                                "long unless it lapses again", lo=0),
    },
    "behaviour": BEHAVIOUR,
}

SECTIONS = tuple(SPEC)
#: days in one unit of simulated time (``market.time_unit``), and in a simulated year
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0}
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: ``name``, ``description`` and ``values[section][param]``."""

    name: str
    description: str = ""
    values: dict = field(default_factory=dict)

    def __getitem__(self, section: str) -> dict:
        return self.values[section]

    @property
    def days_per_unit(self) -> float:
        return DAYS_PER_UNIT[self["market"]["time_unit"]]

    @property
    def hours_per_unit(self) -> float:
        return 24.0 * self.days_per_unit

    @property
    def horizon(self) -> float:
        """Simulated length in time units."""
        return self["market"]["years"] * DAYS_PER_YEAR / self.days_per_unit

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self["market"]["start_date"])

    def with_overrides(self, overrides: dict | None = None, **flat) -> Scenario:
        """Return a copy with ``{section: {param: value}}`` and flat ``param=value`` changes."""
        if overrides is not None and not isinstance(overrides, dict):
            raise invalid("overrides", overrides, "a dict {section: {param: value}} or None")
        data = _merge(copy.deepcopy(self.values), overrides or {})
        for key, value in flat.items():
            if value is None:
                continue
            section = _section_of(key)
            data[section][key] = value
        return build(self.name, self.description, data)

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, **copy.deepcopy(self.values)}

    def save(self, path, *, force: bool = False) -> Path:
        """Write the scenario to ``path`` (``.toml``, ``.yaml`` or ``.yml``).

        An existing file is never replaced unless ``force=True``; the write is atomic.
        """
        return write_file("path", path, self.text(path), force=force)

    def text(self, path, param: str = "path") -> str:
        """The scenario as TOML or YAML text, chosen by the suffix of ``path``."""
        import tomli_w

        suffix = Path(path).suffix.lower()
        if suffix == ".toml":
            return tomli_w.dumps(self.to_dict())
        if suffix in (".yaml", ".yml"):
            return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)
        raise invalid(param, str(path), "a file name ending in .toml, .yaml or .yml")


def _section_of(key: str) -> str:
    hits = [s for s, params in SPEC.items() if key in params]
    if not hits:
        raise invalid("parameter", key, "a scenario parameter (see `crmsim scenarios --explain`)")
    return hits[0]


def _merge(base: dict, overrides: dict) -> dict:
    for section, params in overrides.items():
        if section in ("name", "description"):
            continue
        if section not in SPEC:
            raise invalid("section", section, "one of " + ", ".join(SPEC))
        if not isinstance(params, dict):
            raise invalid(section, params, "a table of parameters")
        for k, v in params.items():
            if k not in SPEC[section]:
                raise invalid(f"{section}.{k}", v, "a parameter of [" + section + "]: "
                              + ", ".join(SPEC[section]))
            base.setdefault(section, {})[k] = v
    return base


def defaults() -> dict:
    return {s: {k: copy.deepcopy(p.default) for k, p in ps.items()} for s, ps in SPEC.items()}


def build(name: str, description: str, data: dict) -> Scenario:
    """Validate ``data`` (missing parameters take defaults) and return a Scenario."""
    if not isinstance(data, dict):
        raise invalid("scenario", data, "a table of sections such as [purchase]")
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", name, "a scenario name (text)")
    check_text("name", name)
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        shown = description if not isinstance(description, str) else description[:60] + "..."
        raise invalid("description", shown, f"text of at most {MAX_DESCRIPTION:,} characters")
    full = _merge(defaults(), data)
    checked = {
        s: {k: SPEC[s][k].check(f"{s}.{k}", v) for k, v in params.items()}
        for s, params in full.items()
    }
    check_limits(checked)
    return Scenario(name=name, description=description, values=checked)


#: limits on what sizes a run's work and memory (see :func:`check_limits`)
FIRST_DATE, LAST_DATE = dt.date(1700, 1, 1), dt.date(2200, 1, 1)
MAX_STEPS = 20_000
MAX_CUSTOMER_YEARS = 10_000_000
MAX_ORDERS_PER_CUSTOMER = 10_000
MAX_DESCRIPTION = 10_000


def check_limits(values: dict) -> None:
    """Checks that involve several parameters: a real calendar date, and bounded work.

    Steps, KPI periods and campaigns per run are at most MAX_STEPS (a 50-year daily run
    has 18,250); customers x years at most MAX_CUSTOMER_YEARS (a 100,000 x 3-year run
    peaks near 0.7 GB); the mean purchase rate r/alpha over the horizon at most
    MAX_ORDERS_PER_CUSTOMER. Dates are limited so that every timestamp of the run fits
    pandas' nanosecond calendar (1677-2262) instead of wrapping round.
    """
    mk, pu, acq = values["market"], values["purchase"], values["acquisition"]
    start = mk["start_date"]
    try:
        day = dt.date.fromisoformat(start)
    except ValueError:
        raise invalid("market.start_date", start, "an ISO date such as 2025-01-01") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise invalid("market.start_date", start, f"an ISO date from {FIRST_DATE} to "
                      f"{LAST_DATE}")
    horizon = mk["years"] * DAYS_PER_YEAR / DAYS_PER_UNIT[mk["time_unit"]]
    for key, length in (("market.step", mk["step"]), ("market.kpi_period", mk["kpi_period"]),
                        ("acquisition.campaign_interval", acq["campaign_interval"])):
        if horizon / length > MAX_STEPS:
            raise invalid(key, length, f"at least {horizon / MAX_STEPS:.4g} "
                          f"{mk['time_unit']}s here: at most {MAX_STEPS:,} per run (horizon "
                          f"{horizon:g} {mk['time_unit']}s)")
    if mk["customers"] * mk["years"] > MAX_CUSTOMER_YEARS:
        raise invalid("market.customers", mk["customers"], f"customers x years at most "
                      f"{MAX_CUSTOMER_YEARS:,} (years = {mk['years']:g})")
    per_customer = pu["r"] / pu["alpha"] * horizon
    if per_customer > MAX_ORDERS_PER_CUSTOMER:
        raise invalid("purchase.alpha", pu["alpha"], f"a value giving at most "
                      f"{MAX_ORDERS_PER_CUSTOMER:,} purchases per customer over the horizon "
                      f"(r / alpha x horizon = {per_customer:.3g})")


def builtin_names() -> list[str]:
    folder = resources.files("crmsim") / "data" / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases (no expansion bombs) and without duplicate keys."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.YAMLError("anchors and aliases (&, *) are not allowed")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=True) for k, _ in node.value]
        seen = set()
        for k in keys:
            if isinstance(k, str | int | float | bool) and k in seen:
                raise yaml.YAMLError(f"duplicate key {k!r}")
            seen.add(k) if isinstance(k, str | int | float | bool) else None
        return super().construct_mapping(node, deep=deep)


def safe_yaml(text: str):
    """Parse YAML safely: no object tags, no anchors/aliases, no duplicate keys."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)


#: largest scenario file read (real ones are under 5 KB)
MAX_FILE_BYTES = 1_000_000


def iso_dates(data):
    """TOML and YAML turn ``2025-01-01`` into a date object; keep it as ISO text."""
    if isinstance(data, dict):
        return {k: iso_dates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [iso_dates(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def _parse(text: str, fmt: str, source: str) -> dict:
    try:
        data = tomllib.loads(text) if fmt == "toml" else safe_yaml(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, RecursionError, ValueError) as exc:
        first = (str(exc).splitlines() or [exc.__class__.__name__])[0][:200]
        raise invalid("scenario file", source, f"valid {fmt.upper()} ({first})") from None
    if not isinstance(data, dict):
        raise invalid("scenario file", source, "a table of sections such as [purchase]")
    return iso_dates(data)


def _read_text(path: Path, source: str) -> str:
    """The file's text, or a one-line error for unreadable, huge or non-UTF-8 files."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise invalid("scenario", source, f"a readable scenario file ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise invalid("scenario", source, f"a scenario file of at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("scenario", source, "a UTF-8 text file (this one is binary or in "
                      "another encoding)") from None
    if "\x00" in text:
        raise invalid("scenario", source, "a UTF-8 text file (this one holds NUL bytes)")
    return text.removeprefix("\ufeff")


def load(name_or_path) -> Scenario:
    """Load a built-in scenario by name, or a TOML/YAML scenario file, and validate it."""
    if isinstance(name_or_path, Scenario):
        return name_or_path
    if not isinstance(name_or_path, str | Path):
        raise invalid("scenario", name_or_path, "a scenario name, a .toml/.yaml path or a "
                      "Scenario")
    key = str(name_or_path)
    if key in builtin_names():
        text = (resources.files("crmsim") / "data" / "scenarios" / f"{key}.toml").read_text("utf-8")
        data = _parse(text, "toml", key)
    else:
        path = Path(key)
        if path.suffix.lower() not in (".toml", ".yaml", ".yml"):
            raise invalid("scenario", key, "one of " + ", ".join(builtin_names())
                          + " or a .toml/.yaml file")
        if not path.is_file():
            raise invalid("scenario", key, "an existing scenario file or one of "
                          + ", ".join(builtin_names()))
        fmt = "toml" if path.suffix.lower() == ".toml" else "yaml"
        data = _parse(_read_text(path, key), fmt, key)
    name = data.get("name", Path(key).stem)
    return build(name, data.get("description", ""), data)


def explain(section: str | None = None) -> list[dict]:
    """One row per parameter: section, name, default, unit, doc (for tables and the CLI)."""
    rows = []
    for s, params in SPEC.items():
        if section and s != section:
            continue
        for k, p in params.items():
            rows.append({"section": s, "name": k, "default": p.default, "unit": p.unit,
                         "doc": p.doc})
    return rows


__all__ = ["Scenario", "SPEC", "load", "build", "builtin_names", "explain", "CrmsimError"]
