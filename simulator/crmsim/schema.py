"""The columns of every table a simulation returns, documented in one place.

Each entry is ``column -> (dtype, description)``. Ground truth that a real firm
never sees is in columns prefixed ``true_``. Time is kept twice: ``timestamp``
is simulated time in the scenario's time unit (days or weeks since the start),
``date`` is the calendar date-time it corresponds to.
"""

from __future__ import annotations

from crmsim.i18n import labels
from crmsim.sim.lifecycle import STAGES

CUSTOMERS = {
    "customer_id": ("int64", "unique id of the person or organisation in the market"),
    "customer_type": ("category", "consumer (一般客户), business (企业客户) or "
                      "distributor (渠道分销商)"),
    "region": ("category", "sales region (external attribute)"),
    "age": ("int64", "age in years (consumers) or years since founding (organisations)"),
    "gender": ("category", "F / M for consumers, '' for organisations"),
    "income": ("float64", "yearly income (consumers) or turnover (organisations), in thousands"),
    "household_size": ("int64", "persons in the household (consumers), employees/100 otherwise"),
    "credit_rating": ("category", "credit rating A (best) to D (worst)"),
    "temperament": ("category", "sanguine 多血质, phlegmatic 粘液质, choleric 胆汁质, "
                    "melancholic 抑郁质 from the firm's survey; '' if not surveyed"),
    "channel": ("category", "acquisition channel: campaign, referral or launch"),
    "acquired": ("bool", "whether the person became a customer during the simulation"),
    "acquisition_time": ("float64", "simulated time of the first purchase (NaN if never acquired)"),
    "acquisition_date": ("datetime64[ns]", "calendar date of the first purchase (NaT if never)"),
    "contacted": ("bool", "reached by at least one acquisition campaign contact"),
    "final_stage": ("category", "lifecycle stage at the end of the simulation"),
    "true_temperament": ("category", "temperament of every customer, surveyed or not"),
    "true_purchase_rate": ("float64", "latent purchase rate λ per time unit at the first purchase"),
    "true_dropout_prob": ("float64", "bgnbd/mbgnbd: latent dropout probability p per coin "
                          "(NaN under pareto_nbd)"),
    "true_dropout_rate": ("float64", "pareto_nbd: latent dropout rate μ per time unit (NaN "
                          "otherwise); mean lifetime 1/μ"),
    "true_spend_scale": ("float64", "latent Gamma-Gamma rate ν; mean spend per purchase = p/ν"),
    "true_alive": ("bool", "still truly active at the end (has not silently dropped out)"),
    "true_declining": ("bool", "alive but in the hidden decline phase (buying elsewhere)"),
    "true_dropout_time": ("float64", "simulated time of the last silent dropout (NaN if alive)"),
    "true_satisfaction": ("float64", "latent satisfaction in [0, 1] at the end"),
    "true_trust": ("float64", "latent trust in [0, 1] at the end"),
    "true_belonging": ("float64", "latent belonging 归属感 in [0, 1] at the end"),
    "true_loyalty": ("float64", "latent loyalty in [0, 1] at the end"),
    "true_meaning": ("float64", "perceived empowerment: meaning of consumption 消费意义, [0, 1]"),
    "true_competence": ("float64", "perceived empowerment: competence 消费能力, [0, 1]"),
    "true_autonomy": ("float64", "perceived empowerment: autonomy of choice 自主选择权, [0, 1]"),
    "true_impact": ("float64", "perceived empowerment: impact on the outcome 影响力, [0, 1]"),
}

TRANSACTIONS = {
    "order_id": ("int64", "purchase occasion (basket); one order has one or more lines"),
    "customer_id": ("int64", "who bought"),
    "timestamp": ("float64", "simulated time of the purchase, in the scenario's time unit"),
    "date": ("datetime64[ns]", "calendar date-time of the purchase"),
    "product": ("category", "product name from the scenario's catalogue"),
    "category": ("category", "product category"),
    "quantity": ("int64", "units bought (>= 1)"),
    "amount": ("float64", "money paid for the line, after any discount (>= 0)"),
    "discount": ("float64", "price cut on the line (list value - amount, >= 0)"),
    "cost": ("float64", "cost of goods of the line: list value x unit cost / price "
             "(a discount never lowers it)"),
}

EVENTS = {
    "timestamp": ("float64", "simulated time of the event"),
    "date": ("datetime64[ns]", "calendar date-time of the event"),
    "customer_id": ("int64", "customer concerned (-1 for firm-level events such as campaigns)"),
    "kind": ("category", "what happened (see crmsim.sim.eventlog.KINDS): "
             "campaign, contact, referral, service_request, complaint, stage_change, "
             "strategy_action; money is in the ledger, not here"),
    "detail": ("object", "campaign size, contact purpose, call outcome (served/abandoned), "
               "referral outcome, strategy and number targeted"),
    "from_stage": ("object", "for stage_change: the stage left"),
    "to_stage": ("object", "for stage_change: the stage entered"),
    "wait": ("float64", "for service_request: waiting time for a seat, in hours (>= 0)"),
    "service_time": ("float64", "for service_request: time on the phone, in hours"),
    "related_customer": ("int64", "for referral: the prospect referred (-1 otherwise)"),
}

TRUE_EVENTS = {
    "timestamp": ("float64", "simulated time of the hidden event"),
    "customer_id": ("int64", "customer concerned"),
    "kind": ("category", "decline (starts buying elsewhere), dropout (silent end of the "
             "relationship), reactivation (won back after it ended or while declining) or "
             "rescue (a proactive check-in stopped a decline)"),
}

KPIS = {
    "period": ("int64", "period number, 0 = first"),
    "period_start": ("datetime64[ns]", "calendar start of the period"),
    "period_length": ("float64", "time units covered; the last period may be shorter"),
    "active": ("int64", "customers truly alive at the end of the period"),
    "new": ("int64", "customers acquired in the period"),
    "truly_churned": ("int64", "silent dropouts in the period (ground truth)"),
    "observed_lapsed": ("int64", "customers the firm saw lapse (entered 'terminated') "
                        "in the period"),
    "orders": ("int64", "purchase occasions in the period"),
    "revenue": ("float64", "money paid by customers (ledger: sales + discounts)"),
    "discounts": ("float64", "price cuts granted (ledger: discount:<strategy>)"),
    "cost_of_goods": ("float64", "cost of the goods sold (ledger: cost_of_goods)"),
    "gross_margin": ("float64", "revenue - cost_of_goods"),
    "acquisition_cost": ("float64", "campaign contacts and onboarding of new customers"),
    "service_cost": ("float64", "base call-centre seats and call handling"),
    "strategy_cost": ("float64", "what the strategies spent (ledger: strategy:<name>), "
                      "discounts excluded"),
    "profit": ("float64", "sum of every ledger row = gross_margin - acquisition_cost - "
               "service_cost - strategy_cost"),
    "mean_satisfaction": ("float64", "mean latent satisfaction of acquired, alive customers"),
    "mean_loyalty": ("float64", "mean latent loyalty of acquired, alive customers"),
    "service_requests": ("int64", "calls to the call centre in the period"),
    "mean_wait": ("float64", "mean waiting time of calls in the period, hours"),
    **{f"n_{s}": ("int64", f"customers in lifecycle stage '{s}' at the end of the period")
       for s in STAGES},
}

LEDGER = {
    "timestamp": ("float64", "simulated time of the booking"),
    "date": ("datetime64[ns]", "calendar date-time of the booking"),
    "customer_id": ("int64", "customer the money concerns (-1 for the firm as a whole)"),
    "account": ("category", "sales, discount:<strategy>, cost_of_goods, acquisition, seats, "
                "calls, strategy:<name> (see crmsim.sim.ledger)"),
    "amount": ("float64", "money in (+) or out (-), booked once"),
}

TABLES = {
    "customers": CUSTOMERS,
    "ledger": LEDGER,
    "transactions": TRANSACTIONS,
    "events": EVENTS,
    "true_events": TRUE_EVENTS,
    "kpis": KPIS,
}


def describe(table: str) -> str:
    """Return a Markdown table documenting the columns of ``table``."""
    cols = TABLES[table]
    lines = ["| column | dtype | meaning |", "|---|---|---|"]
    lines += [f"| `{c}` | {t} | {d} |" for c, (t, d) in cols.items()]
    return "\n".join(lines)


def display_labels(table: str, language: str | None = None) -> dict[str, str]:
    """``{column: display label}`` of ``table`` in ``language`` (default: the current one,
    see :mod:`crmsim.i18n`); the column names themselves stay English and stable.

    ``result.kpis.rename(columns=display_labels("kpis", "zh"))`` shows a table in Chinese.
    """
    return labels(TABLES[table], language)
