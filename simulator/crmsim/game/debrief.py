"""The debrief: what each team decided, what it got, and what its information was worth.

:func:`decisions_table` is one row per team and round (decisions next to outcomes);
:func:`build` draws the figures (score over rounds; decisions against outcomes; value of
information: report spending against final score) and :func:`write` saves a Markdown
report with them. Input: :func:`crmsim.game.api.game_outcomes`.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim.game.scoring import leaderboard
from crmsim.output import md_table


def decisions_table(game: dict) -> pd.DataFrame:
    """Per team and round: the decisions the market ran with and the round's outcomes.

    Columns: team, round, acquisition (budget), strategies (names), seats, discount,
    reports (names), report_cost, new_customers, revenue, profit, cumulative_profit,
    retention, customer_equity, score.
    """
    rows = []
    for o in game["outcomes"]:
        d, x = o["decisions"]["standing"], o["results"]
        rows.append({
            "team": o["team"], "round": o["round"],
            "acquisition": float(sum((d.get("acquisition") or {}).values())),
            "strategies": ", ".join(n for item in d.get("strategies") or [] for n in item),
            "seats": d.get("seats"), "discount": d.get("discount"),
            "reports": ", ".join(d.get("reports") or []),
            **{k: x[k] for k in ("report_cost", "new_customers", "revenue", "profit",
                                 "cumulative_profit", "retention", "customer_equity",
                                 "score")}})
    cols = ["team", "round", "acquisition", "strategies", "seats", "discount", "reports",
            "report_cost", "new_customers", "revenue", "profit", "cumulative_profit",
            "retention", "customer_equity", "score"]
    return pd.DataFrame(rows, columns=cols).sort_values(["team", "round"]).reset_index(drop=True)


def information_value(table: pd.DataFrame) -> pd.DataFrame:
    """Per team: money spent on reports, reports bought, final score and score rank."""
    if table.empty:
        return pd.DataFrame(columns=["team", "report_spend", "reports_bought", "final_score"])
    g = table.groupby("team")
    out = pd.DataFrame({
        "report_spend": g["report_cost"].sum(),
        "reports_bought": g["reports"].apply(lambda s: sum(len([r for r in v.split(", ") if r])
                                                            for v in s)),
        "final_score": g.apply(lambda d: d.sort_values("round")["score"].iloc[-1],
                               include_groups=False),
    })
    return out.sort_values("final_score", ascending=False).reset_index()


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def build(game: dict) -> tuple[dict, dict]:
    """Figures (``{title: PNG bytes}``) and tables (``{title: HTML}``) of the debrief."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    table = decisions_table(game)
    info = information_value(table)
    figures = {}
    if not table.empty:
        teams = sorted(table["team"].unique())
        fig, ax = plt.subplots(figsize=(7, 4))
        for t in teams:
            d = table[table["team"] == t]
            ax.plot(d["round"], d["score"], marker="o", label=t)
        ax.set(xlabel="round", ylabel="score (cumulative profit + customer equity)",
               title="Score after each round")
        ax.set_xticks(sorted(table["round"].unique()))
        ax.legend(fontsize=8)
        fig.tight_layout()
        figures["Score over the rounds"] = _png(fig)

        fig, axes = plt.subplots(2, 2, figsize=(10, 7))
        pairs = [("acquisition", "new_customers", "acquisition budget", "new customers"),
                 ("seats", "retention", "call-centre seats", "retention (true, per round)"),
                 ("discount", "revenue", "discount (share of list price)", "revenue"),
                 ("report_cost", "profit", "reports bought (cost)", "round profit")]
        for ax, (x, y, xl, yl) in zip(axes.ravel(), pairs, strict=True):
            for t in teams:
                d = table[table["team"] == t]
                ax.scatter(d[x].astype(float), d[y].astype(float), label=t, s=30)
                for _, row in d.iterrows():
                    ax.annotate(str(row["round"]), (float(row[x]), float(row[y])), fontsize=7,
                                xytext=(3, 3), textcoords="offset points")
            ax.set(xlabel=xl, ylabel=yl)
        axes[0, 0].legend(fontsize=8)
        fig.suptitle("Decisions against outcomes (each point a team's round, labelled by round)")
        fig.tight_layout()
        figures["Decisions against outcomes"] = _png(fig)

        fig, ax = plt.subplots(figsize=(7, 4))
        ax.scatter(info["report_spend"], info["final_score"], s=40)
        for _, row in info.iterrows():
            ax.annotate(row["team"], (row["report_spend"], row["final_score"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
        if len(info) >= 3 and info["report_spend"].std() > 0:
            slope, icpt = np.polyfit(info["report_spend"], info["final_score"], 1)
            xs = np.linspace(info["report_spend"].min(), info["report_spend"].max(), 2)
            ax.plot(xs, icpt + slope * xs, ls="--", color="grey",
                    label=f"least squares: {slope:+.2f} score per unit spent")
            ax.legend(fontsize=8)
        ax.set(xlabel="money spent on reports (whole game)", ylabel="final score",
               title="Value of information: reports bought against final score")
        fig.tight_layout()
        figures["Value of information"] = _png(fig)
    fmt = {"acquisition": "{:,.0f}", "report_cost": "{:,.0f}", "revenue": "{:,.0f}",
           "profit": "{:,.0f}", "cumulative_profit": "{:,.0f}", "customer_equity": "{:,.0f}",
           "score": "{:,.0f}", "retention": "{:.1%}", "report_spend": "{:,.0f}",
           "final_score": "{:,.0f}"}

    def html(df):
        shown = df.copy()
        for col, f in fmt.items():
            if col in shown:
                shown[col] = shown[col].map(lambda v, f=f: "-" if pd.isna(v) else f.format(v))
        return shown.to_html(index=False, border=0)

    tables = {"Decisions and outcomes per team and round": html(table),
              "Value of information per team": html(info)}
    return figures, tables


def write(game: dict, out) -> Path:
    """Write ``debrief.md`` with its PNG figures and CSV tables into folder ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figures, _ = build(game)
    table = decisions_table(game)
    info = information_value(table)
    table.to_csv(out / "decisions.csv", index=False, lineterminator="\n")
    info.to_csv(out / "information_value.csv", index=False, lineterminator="\n")
    board = pd.DataFrame(game["leaderboard"]) if game["leaderboard"] else leaderboard([])
    s = game["settings"]
    lines = [f"# Debrief: {s['name']}", "",
             f"Scenario `{s['scenario']}`, {s['customers']:,} customers per market, "
             f"{s['rounds']} rounds of {s['round_days']:g} days, starting budget "
             f"{s['starting_budget']:,.0f}. Score = cumulative profit + customer equity.", "",
             "## Leaderboard", ""]
    lines += md_table(board.round(3).to_dict("records"), list(board.columns))
    lines += ["", "## Value of information", ""]
    lines += md_table(info.round(1).to_dict("records"), list(info.columns))
    lines += ["", "Decisions and outcomes per team and round: `decisions.csv`.", ""]
    for i, (title, png) in enumerate(figures.items(), 1):
        name = f"figure{i}.png"
        (out / name).write_bytes(png)
        lines += [f"## {title}", "", f"![{title}]({name})", ""]
    path = out / "debrief.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
