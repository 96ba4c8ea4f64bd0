"""Open generated reports in headless Chromium: offline, no errors, real CJK font.

Needs the system chromium (``make browser`` installs it) and the playwright
package (dev extra); never downloads a browser. Screenshots are saved to
``reports/screenshots/`` for a human look.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="playwright not installed (pip install -e '.[dev]')",
    )
    exe = _chromium()
    if exe is None:
        pytest.skip(
            "chromium not found on PATH "
            "(Debian: apt-get install chromium; `make browser`)"
        )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A Chinese fixture report and the index that links it."""
    from diagnose.report import build_index, export_html, run_notebook

    folder = tmp_path_factory.mktemp("browser")
    cfg = folder / "pilot.yaml"
    cfg.write_text("name: 浏览器测试\nas_of: 2024-06-30\n", encoding="utf-8")
    executed = run_notebook(
        NOTEBOOKS / "report.ipynb",
        folder / "pilot-browser-2024-06-30.ipynb",
        {"config_path": cfg, "language": "zh"},
    )
    html = export_html(
        executed,
        executed.with_suffix(".html"),
        title="试点总结报告 — 浏览器测试",
        language="zh",
    )
    return {"report": html, "index": build_index(folder, language="zh")}


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    console, requests, failures = [], [], []
    page.on("console", lambda m: console.append(m) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(e))
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failures.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, console, requests, failures


@pytest.mark.parametrize("which", ["report", "index"])
def test_page_is_offline_and_error_free(browser, reports, which):
    path = reports[which]
    page, console, requests, failures = _open(browser, path)
    try:
        assert [str(c) for c in console] == []
        foreign = [
            u for u in requests if u != path.as_uri() and not u.startswith("data:")
        ]
        assert foreign == [], f"{which} made network requests: {foreign}"
        assert failures == []
        assert page.evaluate("document.documentElement.lang") == "zh"
        text = page.inner_text("body")
        if which == "report":
            assert "主要发现" in text and "试点报告（测试）" in text
            assert "<script>alert(1)</script>" in text  # shown as text, never run
            assert page.evaluate("document.querySelectorAll('main script').length") == 0
            width = page.evaluate(
                "document.querySelector('main').getBoundingClientRect().width"
            )
            assert width <= 960
            # the chart is an embedded image that actually decoded
            assert page.evaluate(
                "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
            )
        else:
            assert "流程诊断报告" in text and "浏览器测试" in text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"fixture-{which}.png"), full_page=True)
    finally:
        page.close()


def test_cjk_text_renders_with_a_cjk_font(browser, reports):
    """The glyphs of the Chinese heading come from a real CJK font, not tofu.

    ``document.fonts.check()`` is no proof (it is true for any font that needs
    no download, even one that doesn't exist), so ask Chromium which platform
    fonts it actually used to draw the heading (DevTools CSS domain).
    """
    fc = shutil.which("fc-list")
    if fc:
        fonts = subprocess.run(
            [fc, ":lang=zh", "family"], capture_output=True, text=True
        ).stdout
        assert fonts.strip(), "no CJK font installed (apt-get install fonts-noto-cjk)"
    page, *_ = _open(browser, reports["report"])
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "main h1"})[
            "nodeId"
        ]
        assert node, "heading not found"
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        cjk = [
            f
            for f in used
            if any(
                k in f["familyName"]
                for k in ("CJK", "Han", "Hei", "YaHei", "PingFang", "Song", "Ming")
            )
        ]
        # "试点报告（测试）" is 8 CJK glyphs; all must come from a CJK font
        assert sum(f["glyphCount"] for f in cjk) >= 8, json.dumps(
            used, ensure_ascii=False
        )
        # and the width is the full-width 2 em of real CJK glyphs
        width = page.evaluate(
            """() => { const c = document.createElement('canvas').getContext('2d');
                       c.font = '16px ' + getComputedStyle(document.body).fontFamily;
                       return c.measureText('中文').width; }"""
        )
        assert 30 <= width <= 34, width
    finally:
        page.close()


@pytest.mark.parametrize(
    "kind,config,charts",
    [
        ("pilot", "pilots/pilot-team-b-zh.yaml", 4),
        ("pilot", "pilots/pilot-team-a.yaml", 4),
        ("diagnosis", "diagnosis.yaml", 8),
    ],
    ids=["pilot-zh", "pilot-en", "diagnosis-en"],
)
def test_sample_report_reads_well(browser, tmp_path, kind, config, charts):
    """The real reports: curated tables fit the column, Chinese labels show.

    Every table outside the collapsed "all columns" blocks fits the 960 px
    reading column without sideways scrolling, every chart has a caption, and
    the zh report shows its statuses in Chinese.
    """
    from diagnose.report.batch import build_report

    outcome = build_report(kind, ROOT / "data_samples" / config, output_dir=tmp_path)
    assert outcome.ok, outcome
    page, console, requests, failures = _open(browser, Path(outcome.html))
    try:
        assert [str(c) for c in console] == [] and failures == []
        overflowing = page.evaluate(
            """[...document.querySelectorAll('main .dg-table-wrap')]
                 .filter(w => !w.closest('details'))
                 .filter(w => w.scrollWidth > w.clientWidth + 1)
                 .map(w => w.querySelector('caption')?.innerText)"""
        )
        assert overflowing == []
        n_img = page.evaluate("document.querySelectorAll('main img').length")
        n_cap = page.evaluate("document.querySelectorAll('main .dg-caption').length")
        assert n_img == n_cap == charts
        text = page.inner_text("main")
        if config.endswith("-zh.yaml"):
            assert "执行摘要" in text and "无法判断" in text
            assert "inconclusive" not in text
        else:
            assert "Executive summary" in text and "Key findings" in text
    finally:
        page.close()
