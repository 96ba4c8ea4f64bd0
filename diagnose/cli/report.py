"""``diagnose report``: run report notebooks and export them as offline HTML.

::

    diagnose report diagnosis --config data_samples/diagnosis.yaml
    diagnose report pilot --config data_samples/pilots/pilot-team-a.yaml
    diagnose report pilot --all data_samples/pilots -j 2
    diagnose report index

Each report writes ``<output-dir>/<kind>-<name>-<as_of>.ipynb`` (executed),
``.html`` and ``.summary.json``, then rebuilds ``<output-dir>/index.html``.
Exit codes: 0 all good, 1 a report failed (its executed notebook is kept),
2 bad command line or config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    return name.strip(), value


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "report",
        help="run a report notebook and export offline HTML",
        description="Run the diagnosis or pilot notebook with papermill and export it "
        "as a self-contained HTML report; reports/index.html links them all.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--output-dir",
            default="reports",
            type=Path,
            help="folder for the executed notebook, HTML and index (default: reports)",
        )
        p.add_argument(
            "--notebook",
            type=Path,
            help="notebook to run instead of notebooks/<kind>.ipynb",
        )
        p.add_argument(
            "--language",
            choices=("en", "zh"),
            help="report language (default: the config's language, else en)",
        )
        p.add_argument(
            "-p",
            "--parameter",
            dest="parameters",
            action="append",
            default=[],
            type=_parameter,
            metavar="NAME=VALUE",
            help="extra notebook parameter (repeatable); typed per the notebook",
        )
        p.add_argument(
            "--kernel", help="Jupyter kernel (default: 'diagnose' if installed)"
        )
        p.add_argument(
            "--no-index", action="store_true", help="don't rebuild index.html"
        )

    diag = kinds.add_parser(
        "diagnosis",
        help="diagnosis report from a diagnosis config",
        description="Run notebooks/diagnosis.ipynb for one config.",
    )
    diag.add_argument(
        "--config", required=True, type=Path, help="diagnosis config (YAML)"
    )
    common(diag)

    pilot = kinds.add_parser(
        "pilot",
        help="pilot report(s) from pilot configs",
        description="Run notebooks/pilot.ipynb for one config, or for "
        "every *.yaml in a folder with --all.",
    )
    which = pilot.add_mutually_exclusive_group(required=True)
    which.add_argument("--config", type=Path, help="pilot config (YAML)")
    which.add_argument(
        "--all",
        dest="all_dir",
        type=Path,
        metavar="CONFIG_DIR",
        help="run every *.yaml pilot config in this folder",
    )
    pilot.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        help="parallel worker processes with --all (default: 1)",
    )
    common(pilot)

    index = kinds.add_parser("index", help="rebuild index.html from the reports folder")
    index.add_argument("--output-dir", default="reports", type=Path)
    index.add_argument("--language", choices=("en", "zh"), default=None)

    parser.set_defaults(func=run, _report_parser=parser)
    return parser


def _print(line: str, *, err: bool = False) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr if err else sys.stdout)


def _kernel_problem(name: str) -> str | None:
    """Why ``--kernel name`` cannot run the notebooks, or None: said before
    papermill starts, instead of jupyter_client's NoSuchKernel traceback."""
    from jupyter_client.kernelspec import KernelSpecManager

    installed = sorted(KernelSpecManager().find_kernel_specs())
    if name in installed:
        return None
    return (
        f"--kernel {name!r}: no Jupyter kernel of that name. Installed kernels: "
        f"{installed}. Fix: leave --kernel out (the 'diagnose' kernel that "
        "`make setup` registers is used), or pass one of these names."
    )


def run(args: argparse.Namespace) -> int:
    from diagnose.report.batch import build_report, run_pilots
    from diagnose.report.index import build_index
    from diagnose.report.run import ReportError, coerce_parameters

    if not getattr(args, "kind", None):
        args._report_parser.print_help()
        return 2
    if args.kind == "index":
        path = build_index(args.output_dir, language=args.language or "en")
        print(f"index: {path}")
        return 0
    if getattr(args, "jobs", 1) < 1:
        print("diagnose: error: -j/--jobs must be at least 1", file=sys.stderr)
        return 2

    from diagnose.report.batch import default_notebook

    notebook = args.notebook or default_notebook(args.kind)
    if not Path(notebook).is_file():  # say it once, not once per pilot
        raise FileNotFoundError(
            f"{args.kind} notebook not found: {notebook} "
            "(pass --notebook to use another one)"
        )
    if args.kernel is not None:
        problem = _kernel_problem(args.kernel)
        if problem:
            print(f"diagnose: error: {problem}", file=sys.stderr)
            return 2
    pairs = dict(args.parameters)
    parameters = coerce_parameters(notebook, pairs) if pairs else {}
    common = dict(
        output_dir=args.output_dir,
        notebook=notebook,
        language=args.language,
        parameters=parameters,
        kernel_name=args.kernel,
    )
    index_language = args.language or "en"

    if args.kind == "pilot" and args.all_dir is not None:

        def finished(o) -> None:
            if o.ok:
                _print(f"ok    {o.name}: {o.html} ({o.seconds:.1f} s)", err=True)
            else:
                _print(f"FAIL  {Path(o.config).name}: {o.reason}", err=True)

        outcomes = run_pilots(args.all_dir, jobs=args.jobs, on_done=finished, **common)
        good = [o for o in outcomes if o.ok]
        bad = [o for o in outcomes if not o.ok]
        print(f"\n{len(good)} of {len(outcomes)} pilot reports built.")
        for o in good:
            print(f"  ok    {Path(o.config).name} -> {o.html}")
        for o in bad:
            print(f"  FAIL  {Path(o.config).name}: {o.reason}")
        for o in bad:
            print(f"\n--- {Path(o.config).name} ---\n{o.error}", file=sys.stderr)
        if not args.no_index:
            failures = [
                {"config": Path(o.config).name, "reason": o.reason} for o in bad
            ]
            print(
                "index: "
                + str(
                    build_index(
                        args.output_dir, language=index_language, failures=failures
                    )
                )
            )
        return 1 if bad else 0

    try:
        outcome = build_report(
            args.kind, args.config, progress=sys.stderr.isatty(), **common
        )
    except ReportError as err:
        print(f"diagnose: report failed: {err}", file=sys.stderr)
        return 1
    print(f"notebook: {outcome.notebook}")
    print(f"html:     {outcome.html}")
    if not args.no_index:
        print(f"index:    {build_index(args.output_dir, language=index_language)}")
    return 0
