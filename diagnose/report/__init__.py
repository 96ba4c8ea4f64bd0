"""Report machinery: run notebooks with papermill, export offline HTML, index them.

Heavy imports (papermill, nbconvert) happen inside the functions, so report
notebooks can import :mod:`diagnose.report.render` cheaply in their kernel.
"""

from diagnose.report.html import export_html
from diagnose.report.index import build_index
from diagnose.report.render import (
    callout,
    executive_summary,
    provenance,
    record_summary,
    section,
    show_table,
)
from diagnose.report.run import ReportError, run_notebook, validate_parameters

__all__ = [
    "run_notebook",
    "validate_parameters",
    "export_html",
    "build_index",
    "ReportError",
    "show_table",
    "section",
    "callout",
    "executive_summary",
    "provenance",
    "record_summary",
]
