"""What every ``crmsim`` command shares: one-line errors, readable tables, and stopping
cleanly on Ctrl-C or SIGTERM.

Bad input prints one line ``crmsim: error: ...`` and exits with code 2; nothing is written.
Ctrl-C (SIGINT) and SIGTERM stop the run, remove unfinished output and exit with 130 / 143
after one line.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2, like every input error."""

    def error(self, message):
        self.exit(2, f"crmsim: error: {message}\n")


def number(x) -> str:
    """Readable numbers: thousands separators for money and counts, 4 digits otherwise."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if x != x:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 or float(x).is_integer() else f"{x:.4g}"


def print_table(df: pd.DataFrame) -> None:
    shown = df.copy()
    for col in shown.columns:
        if shown[col].dtype.kind in "fiO":
            shown[col] = shown[col].map(number)
    with pd.option_context("display.max_colwidth", 90, "display.width", 160):
        print(shown.to_string(index=False))


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so every ``finally`` cleans up on the way out."""


def on_sigterm(signum, frame):
    raise Terminated()


#: joblib's resource tracker (a helper process) warns when it cleans up after workers that
#: were killed on an interrupt; that cleanup is expected, so the user sees one line only.
#: It takes its warning options from ``sys.warnoptions`` when it starts.
TRACKER_NOTES = "ignore:resource_tracker:UserWarning"


def quiet_resource_tracker() -> None:
    if TRACKER_NOTES not in sys.warnoptions:
        sys.warnoptions.append(TRACKER_NOTES)


def stop_workers() -> None:
    """Kill joblib's worker processes now instead of leaving them to time out."""
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


def one_line(text: str) -> str:
    return " ".join(str(text).split())
