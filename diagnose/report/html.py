"""Export an executed notebook to one self-contained, offline HTML file.

The ``diagnose`` nbconvert template (``templates/diagnose``) extends
JupyterLab's ``lab`` template and blanks every block that would load
something from the network (require.js, MathJax, mermaid, the widget manager);
its CSS is inlined and uses installed system/CJK fonts only. Images are
embedded (figures are already base64 PNG in the outputs; markdown images are
embedded with ``embed_images``). After rendering, :func:`external_resources`
checks the HTML once more and the export fails rather than write a report that
needs the internet. LaTeX in markdown is therefore shown as typed.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from diagnose.report.run import ReportError

__all__ = [
    "export_html",
    "external_resources",
    "image_alt_texts",
    "add_alt_text",
    "write_text_atomic",
    "TEMPLATE_DIR",
]

#: Folder holding the ``diagnose`` nbconvert template.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

LANGUAGES = ("en", "zh")

#: Cells dropped entirely / inputs dropped / outputs dropped, by tag.
REMOVE_CELL_TAGS = {
    "remove-cell",
    "parameters",
    "injected-parameters",
    "papermill-error-cell-tag",
}
REMOVE_INPUT_TAGS = {"remove-input"}
REMOVE_OUTPUT_TAGS = {"remove-output"}

# src= on any element, href= on <link>, and url()/@import in CSS, pointing at
# a remote or protocol-relative address. Ordinary <a href> links are fine.
_EXTERNAL = [
    re.compile(r"""<[a-z][^>]*?\ssrc\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I),
    re.compile(
        r"""<link\b[^>]*?\shref\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I
    ),
    re.compile(r"""url\(\s*["']?((?:https?:)?//[^"')\s]+)""", re.I),
    re.compile(r"""@import\s+["']((?:https?:)?//[^"']+)""", re.I),
    re.compile(r"""import\(\s*["']((?:https?:)?//[^"']+)""", re.I),
]


def external_resources(html: str) -> list[str]:
    """Remote addresses the page would load (scripts, images, styles, fonts)."""
    found: list[str] = []
    for pattern in _EXTERNAL:
        found.extend(m.group(1) for m in pattern.finditer(html))
    return sorted(set(found))


def image_alt_texts(nb) -> dict[str, str]:
    """``{base64 PNG: alt text}`` of the notebook's image outputs that carry one
    (``metadata={"image/png": {"alt": ...}}``, set by
    :func:`diagnose.report.sections.chart`)."""
    found: dict[str, str] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            meta = (output.get("metadata") or {}).get("image/png") or {}
            png, alt = data.get("image/png"), meta.get("alt")
            if isinstance(png, str) and isinstance(alt, str) and alt.strip():
                found["".join(png.split())] = alt.strip()
    return found


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_PNG_SRC = re.compile(r"""\ssrc\s*=\s*["']data:image/png;base64,([^"']+)["']""", re.I)
_ALT = re.compile(r"""\salt\s*=\s*("[^"]*"|'[^']*')""", re.I)


def add_alt_text(html: str, alts: dict[str, str]) -> str:
    """Give each embedded PNG of ``html`` whose data is a key of ``alts`` that
    alt text (replacing nbconvert's "No description has been provided for
    this image"); the text is HTML-escaped. Images are matched by content, so
    cells removed by tag do not shift the texts."""
    if not alts:
        return html
    from html import escape

    def one(match: re.Match) -> str:
        tag = match.group(0)
        src = _PNG_SRC.search(tag)
        if src is None:
            return tag
        alt = alts.get("".join(src.group(1).split()))
        if alt is None:
            return tag
        attr = f' alt="{escape(alt, quote=True)}"'
        if _ALT.search(tag):
            return _ALT.sub(lambda _: attr, tag, count=1)
        end = -2 if tag.endswith("/>") else -1
        return tag[:end] + attr + tag[end:]

    return _IMG.sub(one, html)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder.

    ``os.replace`` is atomic on one file system, so readers see the old file
    or the new one, never half of one; on any error the temporary file is
    removed and the old file is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; reports are shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export_html(
    executed_notebook: str | Path,
    html_path: str | Path,
    *,
    title: str | None = None,
    language: str = "en",
) -> Path:
    """Write an executed notebook as a self-contained HTML report.

    Parameters
    ----------
    executed_notebook : str or Path
        Notebook written by :func:`~diagnose.report.run_notebook`.
    html_path : str or Path
        Where to write the HTML (its folder is created). Written atomically:
        a failed export leaves an existing file untouched.
    title : str, default=None
        ``<title>`` of the page; None uses the notebook's file name.
    language : {"en", "zh"}, default="en"
        Sets ``<html lang=...>`` (browsers pick CJK glyph shapes by it).

    Returns
    -------
    pathlib.Path
        ``html_path``.

    Notes
    -----
    Code inputs and prompts are never shown. Tags: ``remove-cell`` drops a
    cell, ``remove-input`` its code (already hidden), ``remove-output`` its
    outputs; the ``parameters``/``injected-parameters`` cells are dropped.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    import diagnose

    if language not in LANGUAGES:
        raise ValueError(
            f"The 'language' parameter of export_html must be one of {set(LANGUAGES)}. "
            f"Got {language!r} instead."
        )
    executed_notebook, html_path = Path(executed_notebook), Path(html_path)
    try:
        nb = nbformat.read(str(executed_notebook), as_version=4)
    except FileNotFoundError:
        raise
    except Exception as err:
        raise ReportError(
            f"Cannot read notebook {executed_notebook}: {err}",
            notebook=executed_notebook,
        ) from err
    if title:
        nb.metadata["title"] = title

    c = Config()
    c.TagRemovePreprocessor.enabled = (
        True  # in nbconvert's default list, off by default
    )
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_input_tags = set(REMOVE_INPUT_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    exporter = HTMLExporter(
        config=c,
        template_name="diagnose",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=language,
        theme="light",
    )
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    footer = (
        f"由 diagnose {diagnose.__version__} 生成 · {stamp}"
        if language == "zh"
        else f"Generated by diagnose {diagnose.__version__} · {stamp}"
    )
    resources = {
        "metadata": {
            "name": executed_notebook.stem,
            "path": str(executed_notebook.parent),
        },
        "diagnose": {"version": diagnose.__version__, "footer": footer},
    }
    try:
        body, _ = exporter.from_notebook_node(nb, resources=resources)
    except Exception as err:
        raise ReportError(
            f"Cannot export {executed_notebook} to HTML: {err}",
            notebook=executed_notebook,
        ) from err
    body = add_alt_text(body, image_alt_texts(nb))
    remote = external_resources(body)
    if remote:
        raise ReportError(
            f"{executed_notebook.name}: the HTML would load {len(remote)} resource(s) "
            f"from the network ({', '.join(remote[:5])}); reports must work offline. "
            "Display "
            "those outputs as static images or tables instead.",
            notebook=executed_notebook,
        )
    return write_text_atomic(html_path, body)
