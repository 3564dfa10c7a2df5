"""``crmsim simulate|compare|scenarios|strategies``: run the market model from the shell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crmsim.cli.common import print_table
from crmsim.comparison import compare
from crmsim.errors import invalid
from crmsim.output import check_target_folder, md_table, staged_folder, write_file
from crmsim.sim import scenarios, strategies
from crmsim.sim.scenarios import iso_dates, safe_yaml
from crmsim.simulation import simulate_to


def _set_pairs(pairs: list[str]) -> dict:
    """``section.param=value`` strings -> ``{section: {param: value}}``."""
    import yaml

    out: dict = {}
    for item in pairs or []:
        key, eq, raw = item.partition("=")
        section, dot, param = key.partition(".")
        if not eq or not dot or not section or not param:
            raise invalid("--set", item, "section.param=value, e.g. service.seats=4")
        if param in out.get(section, {}):
            raise invalid("--set", item, f"each parameter once ({key} is set twice)")
        try:
            value = iso_dates(safe_yaml(raw))
        except (yaml.YAMLError, RecursionError, ValueError) as exc:
            first = (str(exc).splitlines() or ["?"])[0][:120]
            raise invalid("--set", item, f"section.param=VALUE with a YAML value ({first})") \
                from None
        if isinstance(value, str):
            try:
                value = float(value)  # 1e5 is a number to a user, a string to YAML 1.1
            except ValueError:
                pass
        out.setdefault(section, {})[param] = value
    return out


def _check_out(args) -> Path | None:
    return check_target_folder("--out", args.out, force=args.force) if args.out else None


def cmd_simulate(args) -> int:
    out = _check_out(args)
    kw = {"strategies": args.strategy, "seed": args.seed, "customers": args.customers,
          "years": args.years, "overrides": _set_pairs(args.set), "progress": not args.quiet,
          "csv": args.csv}
    if out is None:
        res = simulate_to(None, args.scenario, **kw)
    else:  # tables written one at a time: a large run never holds them all in memory
        with staged_folder("--out", out, force=args.force) as tmp:
            res = simulate_to(tmp, args.scenario, **kw)
            if args.report:
                write_report(res, tmp)
    print_table(res.summary())
    if out is not None:
        print(f"\ntables written to {out}/")
    return 0


def write_report(res, out: Path) -> Path:
    """A short Markdown report with a four-panel figure, next to the tables."""
    import matplotlib.pyplot as plt

    from crmsim.plots import report_figure

    sc = res.scenario
    fig = report_figure(res.kpis, sc["market"]["currency"])
    fig.savefig(out / "report.png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    strategies = ", ".join(s for s, _ in res.strategies) or "none"
    lines = [
        f"# crmsim run: scenario `{sc.name}`, strategies: {strategies}, seed {res.seed}",
        "",
        sc.description,
        "",
        *md_table(res.summary().to_dict("records"), ["metric", "value"]),
        "",
        "![revenue, stages, satisfaction and call centre](report.png)",
        "",
        "Tables: customers, transactions, events, true_events, kpis, products, ledger "
        "(Parquet; columns documented in `crmsim.schema`).",
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cmd_compare(args) -> int:
    out = _check_out(args)
    table = compare(args.scenario, args.strategies, replications=args.replications,
                    seed=args.seed, customers=args.customers, years=args.years,
                    overrides=_set_pairs(args.set), n_jobs=args.jobs, progress=True,
                    scheduler=args.scheduler)
    cols = ["strategy", "profit", "profit_ci95", "profit_vs_first", "profit_vs_first_ci95",
            "roi", "revenue", "retention", "customer_value", "strategy_cost"]
    print_table(table[cols])
    if out is not None:
        import matplotlib.pyplot as plt

        from crmsim.plots import plot_comparison

        with staged_folder("--out", out, force=args.force) as tmp:
            table.to_csv(tmp / "comparison.csv", index=False, lineterminator="\n")
            ax = plot_comparison(table)
            ax.figure.tight_layout()
            ax.figure.savefig(tmp / "comparison.png", dpi=110, metadata={"Software": None})
            plt.close(ax.figure)
        print(f"\ncomparison.csv and comparison.png written to {out}/")
    return 0


def cmd_scenarios(args) -> int:
    if args.save:
        name, path = args.save
        sc = scenarios.load(name)
        write_file("--save", path, sc.text(path, "--save"), force=args.force)
        print(f"scenario {name} written to {path}")
        return 0
    if args.explain:
        rows = scenarios.explain(args.section)
        if not rows:
            raise invalid("--section", args.section, "one of " + ", ".join(scenarios.SPEC))
        print_table(pd.DataFrame(rows))
        return 0
    rows = [{"scenario": n, "description": scenarios.load(n).description}
            for n in scenarios.builtin_names()]
    print_table(pd.DataFrame(rows))
    return 0


def cmd_strategies(args) -> int:
    if args.name and args.name not in strategies.REGISTRY:
        raise invalid("strategy", args.name, "one of " + ", ".join(strategies.REGISTRY))
    if args.name:
        print_table(pd.DataFrame(strategies.explain(args.name)))
        return 0
    rows = [{"strategy": s.name, "kind": s.kind, "summary": s.summary}
            for s in strategies.REGISTRY.values()]
    print_table(pd.DataFrame(rows))
    return 0


def add_commands(sub) -> None:
    """Register ``simulate``, ``compare``, ``scenarios`` and ``strategies``."""

    def common(sp):
        sp.add_argument("--scenario", default="retail",
                        help="built-in scenario (retail, b2b, cdnow) or a .toml/.yaml file")
        sp.add_argument("--customers", type=int, help="people in the market")
        sp.add_argument("--years", type=float, help="simulated years")
        sp.add_argument("--seed", type=int, default=0, help="random seed (same seed, same "
                        "output)")
        sp.add_argument("--set", action="append", metavar="SECTION.PARAM=VALUE",
                        help="change one scenario parameter, e.g. service.seats=4")

    def force(sp, what):
        sp.add_argument("--force", action="store_true", help=f"replace an existing {what}")

    s = sub.add_parser("simulate", help="simulate one scenario and write its tables")
    common(s)
    s.add_argument("--strategy", action="append", metavar="NAME[:param=value,...]",
                   help="strategy to apply (repeat to combine)")
    s.add_argument("--out", help="folder for the Parquet tables")
    s.add_argument("--csv", action="store_true", help="also write CSV files")
    s.add_argument("--report", action="store_true", help="also write report.md and "
                   "report.png (needs --out)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    force(s, "--out folder (in one step: no stale files are left)")
    s.set_defaults(func=cmd_simulate)

    c = sub.add_parser("compare", help="compare strategies on common random numbers")
    common(c)
    c.add_argument("--strategies", nargs="+", required=True, metavar="NAME[+NAME]",
                   help="strategies to compare; the first is the reference")
    c.add_argument("--replications", type=int, default=5, help="runs per strategy")
    c.add_argument("--jobs", type=int, default=-1, help="parallel processes (-1 = all cores)")
    c.add_argument("--scheduler", metavar="ADDRESS", help="run the replications on this Dask "
                   "cluster (e.g. tcp://host:8786) instead of local processes")
    c.add_argument("--out", help="folder for comparison.csv and comparison.png")
    force(c, "--out folder")
    c.set_defaults(func=cmd_compare)

    sc = sub.add_parser("scenarios", help="list scenarios and explain their parameters")
    sc.add_argument("--explain", action="store_true", help="list every parameter with its "
                    "default, unit and rationale")
    sc.add_argument("--section", help="only this section (with --explain)")
    sc.add_argument("--save", nargs=2, metavar=("NAME", "PATH"), help="write a built-in "
                    "scenario to a .toml/.yaml file to edit")
    force(sc, "--save file")
    sc.set_defaults(func=cmd_scenarios)

    st = sub.add_parser("strategies", help="list strategies, or one strategy's parameters")
    st.add_argument("name", nargs="?", help="strategy to explain")
    st.set_defaults(func=cmd_strategies)
