"""export_html: no code, offline, lang, escaped, tags honoured, atomic."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import nbformat as nbf
import pytest

from diagnose.report import html as report_html
from diagnose.report.html import export_html, external_resources
from diagnose.report.run import ReportError

XSS = "<script>alert(1)</script>"
# 1x1 transparent PNG
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


def _executed_notebook(path: Path, extra_outputs=()) -> Path:
    """A notebook as papermill leaves it, built without a kernel."""
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbf.v4.new_code_cell('language: str = "zh"  # en or zh')
    params.metadata["tags"] = ["parameters"]
    injected = nbf.v4.new_code_cell(
        '# Parameters\nlanguage = "zh"\nSECRET_INJECTED = 1\n'
    )
    injected.metadata["tags"] = ["injected-parameters"]
    code = nbf.v4.new_code_cell("# INPUT-MARKER\nprint(task)", execution_count=1)
    code.outputs = [nbf.v4.new_output("stream", name="stdout", text=f"task: {XSS}\n")]
    table = nbf.v4.new_code_cell("show()", execution_count=2)
    table.outputs = [
        nbf.v4.new_output(
            "execute_result",
            data={
                "text/html": "<table><tr><td>需求调研 &lt;b&gt;</td></tr></table>",
                "text/plain": "table",
            },
            execution_count=2,
        )
    ]
    image = nbf.v4.new_code_cell("plot()", execution_count=3)
    image.outputs = [
        nbf.v4.new_output(
            "display_data", data={"image/png": PNG, "text/plain": "<Figure>"}
        )
    ]
    removed = nbf.v4.new_code_cell('print("x")', execution_count=4)
    removed.metadata["tags"] = ["remove-cell"]
    removed.outputs = [
        nbf.v4.new_output("stream", name="stdout", text="SECRET-REMOVED-CELL\n")
    ]
    no_out = nbf.v4.new_code_cell('print("y")', execution_count=5)
    no_out.metadata["tags"] = ["remove-output"]
    no_out.outputs = [
        nbf.v4.new_output("stream", name="stdout", text="OUTPUT-REMOVED\n")
    ]
    math = nbf.v4.new_markdown_cell(
        "# 诊断报告\n\nInline $x^2$ math and a [link](https://example.org)."
    )
    extra = nbf.v4.new_code_cell("extra()", execution_count=6)
    extra.outputs = list(extra_outputs)
    nb.cells = [params, injected, math, code, table, image, removed, no_out, extra]
    nbf.write(nb, path)
    return path


@pytest.fixture
def executed(tmp_path):
    return _executed_notebook(tmp_path / "r.ipynb")


@pytest.fixture
def exported(executed, tmp_path):
    out = export_html(
        executed, tmp_path / "out" / "r.html", title="Pilot — <A>", language="zh"
    )
    return out.read_text(encoding="utf-8")


def test_no_input_code_or_prompts(exported):
    assert "INPUT-MARKER" not in exported and "print(task)" not in exported
    assert "SECRET_INJECTED" not in exported
    assert "In&nbsp;[" not in exported and "Out[" not in exported
    assert "jp-InputPrompt jp-InputArea-prompt" not in exported
    assert "jp-InputArea-editor" not in exported.split("</style>")[-1]


def test_tags_remove_cells_and_outputs(exported):
    assert "SECRET-REMOVED-CELL" not in exported
    assert "OUTPUT-REMOVED" not in exported


def test_lang_title_and_escaping(exported):
    assert re.search(r'<html lang="zh">', exported)
    assert "<title>Pilot — &lt;A&gt;</title>" in exported
    assert XSS not in exported
    assert "task: &lt;script&gt;alert(1)&lt;/script&gt;" in exported
    assert "需求调研" in exported and "诊断报告" in exported


def test_offline_no_remote_src_or_href(exported):
    assert external_resources(exported) == []
    for attr in re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", exported):
        assert not attr.startswith(("http", "//")) or attr == "https://example.org", (
            attr
        )
    assert "require.js" not in exported and "mathjax" not in exported.lower()
    assert (
        "cdnjs" not in exported
        and "@import" not in exported
        and "@font-face" not in exported
    )
    assert "data:image/png;base64," in exported
    # the only <a href=http> is the author's own link in markdown, which loads nothing
    assert '<a href="https://example.org">' in exported


def test_style_is_inline_and_has_cjk_fonts(exported):
    assert "max-width: 960px" in exported
    assert '"Noto Sans CJK SC"' in exported and '"Microsoft YaHei"' in exported
    assert "@media print" in exported
    assert "<link" not in exported


def test_external_resources_detects_remote_loads():
    page = (
        '<script src="https://cdn.x/a.js"></script><img src=//img.x/p.png>'
        '<link rel="stylesheet" href="http://x/s.css"><style>@import "https://f/x.css";'
        'b{background:url(https://x/y.png)}</style><a href="https://fine.org">ok</a>'
        '<img src="data:image/png;base64,AAA">'
    )
    assert external_resources(page) == [
        "//img.x/p.png",
        "http://x/s.css",
        "https://cdn.x/a.js",
        "https://f/x.css",
        "https://x/y.png",
    ]


def test_export_refuses_output_that_needs_the_network(tmp_path):
    bad = nbf.v4.new_output(
        "display_data",
        data={"text/html": '<script src="https://cdn.plot.ly/plotly.min.js"></script>'},
    )
    nb = _executed_notebook(tmp_path / "bad.ipynb", [bad])
    with pytest.raises(
        ReportError,
        match=r"would load 1 resource\(s\) from the network "
        r"\(https://cdn\.plot\.ly/plotly\.min\.js\)",
    ):
        export_html(nb, tmp_path / "bad.html")
    assert not (tmp_path / "bad.html").exists()


def test_language_is_checked(executed, tmp_path):
    with pytest.raises(ValueError, match="'language' parameter of export_html"):
        export_html(executed, tmp_path / "x.html", language="fr")


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_failed_export_leaves_previous_html_untouched(executed, tmp_path):
    target = tmp_path / "r.html"
    target.write_text("GOOD OLD REPORT", encoding="utf-8")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReportError, match="Cannot read notebook"):
        export_html(broken, target)
    assert target.read_text(encoding="utf-8") == "GOOD OLD REPORT"
    assert _leftovers(tmp_path) == []


def test_failure_while_writing_leaves_previous_html_untouched(
    executed, tmp_path, monkeypatch
):
    target = tmp_path / "r.html"
    target.write_text("GOOD OLD REPORT", encoding="utf-8")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_html.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        export_html(executed, target)
    assert target.read_text(encoding="utf-8") == "GOOD OLD REPORT"
    assert _leftovers(tmp_path) == []


def test_written_file_is_world_readable(executed, tmp_path):
    out = export_html(executed, tmp_path / "r.html")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def _png(seed: int) -> str:
    """A distinct (valid enough) base64 PNG per seed."""
    return base64.b64encode(base64.b64decode(PNG) + bytes([seed])).decode()


def test_chart_alt_text_replaces_the_nbconvert_default(tmp_path):
    # QA L10: every chart had alt="No description has been provided for this image"
    alt = 'Cycle time; caption with <b>"quotes"</b> & 中文'
    chart = nbf.v4.new_output(
        "display_data",
        data={"image/png": _png(1) + "\n", "text/plain": "<Figure>"},
        metadata={"image/png": {"alt": alt}},
    )
    plain = nbf.v4.new_output(
        "display_data", data={"image/png": _png(2), "text/plain": "<Figure>"}
    )
    path = _executed_notebook(tmp_path / "a.ipynb", extra_outputs=[chart, plain])
    html = export_html(path, tmp_path / "a.html").read_text(encoding="utf-8")
    imgs = {
        re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1).strip(): tag
        for tag in re.findall(r"<img\b[^>]*>", html)
    }
    escaped = (
        "Cycle time; caption with &lt;b&gt;&quot;quotes&quot;&lt;/b&gt; &amp; 中文"
    )
    assert f'alt="{escaped}"' in imgs[_png(1)]
    assert imgs[_png(1)].count("alt=") == 1
    # an image without alt metadata keeps nbconvert's default
    assert 'alt="No description has been provided for this image"' in imgs[_png(2)]


def test_add_alt_text_matches_images_by_content():
    html = (
        '<img src="data:image/png;base64,AAA" class="x">'
        "<img src='data:image/png;base64,BBB' alt='old'/>"
        '<img src="data:image/jpeg;base64,AAA">'
    )
    out = report_html.add_alt_text(html, {"AAA": "first", "BBB": "a < b"})
    assert out == (
        '<img src="data:image/png;base64,AAA" class="x" alt="first">'
        "<img src='data:image/png;base64,BBB' alt=\"a &lt; b\"/>"
        '<img src="data:image/jpeg;base64,AAA">'
    )
    nb = nbf.v4.new_notebook()
    cell = nbf.v4.new_code_cell("x")
    cell.outputs = [
        nbf.v4.new_output(
            "display_data",
            data={"image/png": "AA\nA\n"},
            metadata={"image/png": {"alt": " first "}},
        )
    ]
    nb.cells = [cell, nbf.v4.new_markdown_cell("no outputs")]
    assert report_html.image_alt_texts(nb) == {"AAA": "first"}
