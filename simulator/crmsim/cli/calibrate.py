"""``crmsim calibrate LOG --out shop.toml``: a market calibrated from a real transaction log."""

from __future__ import annotations

import sys

from crmsim.calibrate.scenario import ASSUMPTIONS
from crmsim.cli.common import print_table
from crmsim.errors import invalid


def _pairs(items, option: str, allowed: str) -> dict:
    """``KEY=VALUE`` strings -> ``{key: value}`` (each key once)."""
    out = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise invalid(option, item, f"KEY=VALUE, e.g. {allowed}")
        if key in out:
            raise invalid(option, item, f"each key once ({key} is given twice)")
        out[key.strip()] = value.strip()
    return out


def _typed(values: dict) -> dict:
    """Assumption values as the numbers (or text) their parameters expect."""
    out = {}
    for k, v in values.items():
        kind = ASSUMPTIONS[k][1].kind if k in ASSUMPTIONS else "float"
        try:
            out[k] = int(v) if kind == "int" else v if kind == "str" else float(v)
        except ValueError:
            raise invalid("--assume", f"{k}={v}", f"a number for {k}") from None
    return out


def cmd_calibrate(args) -> int:
    from crmsim.calibrate import calibrate  # the toolkit, imported when the command runs

    result = calibrate(args.log, args.out, columns=_pairs(args.column, "--column",
                                                          "customer=CustID"),
                       calibration_end=args.calibration_end, report=args.report_dir,
                       assumptions=_typed(_pairs(args.assume, "--assume", "gross_margin=0.4")),
                       seed=args.seed, runs=args.runs, force=args.force)
    print(result.cleaning["zh" if args.lang == "zh" else "en"])
    print_table(result.fits.models[["model", "loglik", "forecast", "actual", "error",
                                    "chosen"]])
    if result.validation is not None:
        print_table(result.validation)
    print(f"wrote {args.out}" + (f" and {args.report_dir}" if args.report_dir else ""),
          file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    c = sub.add_parser("calibrate", help="calibrate a market (a scenario file) from a real "
                       "transaction log")
    c.add_argument("log", help="the shop's log: .csv, .parquet or .xlsx (one row per invoice "
                   "line, or one row per order)")
    c.add_argument("--out", required=True, help="the scenario file to write (.toml); the "
                   "cleaning report goes beside it")
    c.add_argument("--column", action="append", metavar="ROLE=COLUMN", help="use COLUMN for "
                   "ROLE (customer, date, invoice, product, description, quantity, "
                   "unit_price, amount, country); repeatable")
    c.add_argument("--calibration-end", metavar="DATE", help="fit on the log up to DATE "
                   "(default: the whole log)")
    c.add_argument("--report", dest="report_dir", metavar="DIR", help="write the validation "
                   "report (Markdown in both languages, plots) to DIR")
    c.add_argument("--assume", action="append", metavar="NAME=VALUE", help="what a log cannot "
                   "tell: " + ", ".join(ASSUMPTIONS) + "; repeatable")
    c.add_argument("--seed", type=int, default=0, help="first seed of the validation runs")
    c.add_argument("--runs", type=int, default=5, help="validation runs averaged (default 5, "
                   "crmsim.calibrate.validate.RUNS)")
    c.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the "
                   "printed cleaning report")
    c.add_argument("--force", action="store_true", help="replace existing output")
    c.set_defaults(func=cmd_calibrate)
