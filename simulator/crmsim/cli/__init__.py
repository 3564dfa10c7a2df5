"""The ``crmsim`` command line: ``simulate``, ``compare``, ``scenarios``, ``strategies``,
``calibrate``, ``jupyter-font``, ``release``, ``grade``, ``gradebook ...``, ``report items``
and ``game ...``.

Each group of commands lives in its own module (:mod:`crmsim.cli.simulate`,
:mod:`crmsim.cli.grading`, :mod:`crmsim.cli.game`) and registers itself on the parser
built here; :mod:`crmsim.cli.common` holds what they share. Bad input prints one line
``crmsim: error: ...`` and exits with code 2; nothing is written. Output folders and files
appear complete or not at all, and existing output is replaced only with ``--force``.
Ctrl-C (SIGINT) and SIGTERM stop the run, remove unfinished output and exit with 130 / 143
after one line.
"""

from __future__ import annotations

import os
import signal
import sys

from crmsim.cli import calibrate, course, game, gradebook, grading, simulate
from crmsim.cli.common import (
    Parser,
    Terminated,
    on_sigterm,
    one_line,
    quiet_resource_tracker,
    stop_workers,
)
from crmsim.errors import CrmsimError, missing_extra

#: the extra a command belongs to, named when a module it needs comes with several extras
EXTRA_OF_COMMAND = {"game": "game", "grade": "grade", "release": "grade", "gradebook": "grade",
                    "mark": "game", "report": "grade", "jupyter-font": "course"}


def build_parser() -> Parser:
    p = Parser(prog="crmsim", description="Customer relationship management simulator "
               "for teaching: simulate, compare strategies, grade exercises.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    simulate.add_commands(sub)
    calibrate.add_commands(sub)
    course.add_commands(sub)
    grading.add_commands(sub)
    gradebook.add_commands(sub)
    game.add_commands(sub)
    return p


def main(argv=None) -> int:
    import matplotlib

    matplotlib.use("Agg")  # the command line writes figures to files; only it picks a backend
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "report", False) and not args.out:
        parser.error("--report needs --out")
    previous = None
    quiet_resource_tracker()
    try:
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        return args.func(args)
    except CrmsimError as exc:
        print(f"crmsim: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:  # a command of an extra that is not installed
        error = missing_extra(exc, f"crmsim {args.command}",
                              prefer=EXTRA_OF_COMMAND.get(args.command))
        if error is None:
            raise
        print(f"crmsim: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        stop_workers()
        name = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
        print(f"crmsim: interrupted by {name}; unfinished output removed", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except MemoryError:
        print("crmsim: error: out of memory; use fewer --customers or --years",
              file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


__all__ = ["build_parser", "main"]
