"""The ``diagnose`` command.

Sub-commands live in their own modules (``scan``, ``report``, ``samples``);
each defines ``add_parser(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main"]

#: sub-command name -> module under diagnose.cli
SUBCOMMANDS = {
    "scan": "diagnose.cli.scan",
    "report": "diagnose.cli.report",
    "samples": "diagnose.cli.samples",
}


def build_parser() -> argparse.ArgumentParser:
    from diagnose import __version__

    parser = argparse.ArgumentParser(
        prog="diagnose",
        description=(
            "Diagnose where a team's process is stuck and whether a pilot helped."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"diagnose {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in SUBCOMMANDS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as err:  # a sub-command not built yet
            if err.name != module:
                raise
            continue
        mod.add_parser(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Warnings as one ``diagnose: warning: ...`` line each, without the
    Python file, line number and source line a terminal user cannot act on."""
    text = " ".join(str(message).split())
    print(f"diagnose: warning: {text}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``diagnose`` console command."""
    import warnings

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from diagnose.exceptions import ConfigError, DataError

    with warnings.catch_warnings():  # restored when main returns (tests call it)
        warnings.showwarning = _show_warning
        try:
            return int(args.func(args) or 0)
        except (DataError, ConfigError, FileNotFoundError) as err:
            print(f"diagnose: error: {err}", file=sys.stderr)
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
