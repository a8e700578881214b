"""The interactive policy-impact report, opened in Debian's headless chromium from the file
the pipeline run wrote: hovering a point of the magnets chart shows its figure and its source
URL as the published mart holds them, and the page loads nothing from the network.

A second render of the same marts with a tooltip that drops the source line shows that the
tooltip check fails when the URL is missing. Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, sync_playwright

from orchestration import settings
from tests.browser.conftest import BrowserRun, save_screenshot
from tests.browser.dagster_ui import CHROMIUM, CHROMIUM_ARGS

MAGNETS = "850511"
MAGNETS_CHART = f"#monthly-{MAGNETS}"
# The tooltip as interactive.HOVER_TEMPLATE words it, one line per <br>.
TOOLTIP_MONTH = re.compile(r"^World, (\d{4}-\d{2})$", re.MULTILINE)
TOOLTIP_FIGURE = re.compile(r"^figure: ([\d,.]+) t$", re.MULTILINE)
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def open_offline(browser, report: Path) -> tuple[Page, list[str]]:
    """The report opened with every request that is not the file itself (or a data: URI)
    refused and recorded: what it would have fetched from the network."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    refused: list[str] = []

    def refuse_network(route):
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", refuse_network)
    page.goto(report.as_uri(), wait_until="load")
    return page, refused


def hover_first_world_point(page: Page) -> str:
    """Move the mouse onto the first drawn point of the world line (plotly's drag layer lies
    over the points, so the pointer goes to the point's place, not to the element)."""
    chart = page.locator(MAGNETS_CHART)
    chart.scroll_into_view_if_needed()
    point = chart.locator(".scatterlayer .trace").first.locator("path.point").first
    point.wait_for(state="attached")
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = chart.locator(".hoverlayer .hovertext").first
    tooltip.wait_for(state="attached", timeout=5_000)
    # Plotly writes each line of the tooltip as its own <tspan class="line">.
    return "\n".join(tooltip.locator("tspan.line").all_text_contents())


def tooltip_problems(text: str, published_db: Path) -> list[str]:
    """What the tooltip gets wrong against the published mart: the month's figure (in tonnes)
    and its source URL must both be in it."""
    month = TOOLTIP_MONTH.search(text)
    if not month:
        return [f"tooltip names no world month: {text!r}"]
    conn = duckdb.connect(str(published_db), read_only=True)
    try:
        quantity_t, source_ref = conn.execute(
            "select quantity_t, source_ref from marts.mart_policy_annotated_series "
            "where series_id = ? and partner_iso3 = 'WLD' "
            "and strftime(period_month, '%Y-%m') = ?",
            [MAGNETS, month.group(1)],
        ).fetchone()
    finally:
        conn.close()
    problems = []
    figure = TOOLTIP_FIGURE.search(text)
    if not figure or float(figure.group(1).replace(",", "")) != pytest.approx(quantity_t):
        problems.append(f"tooltip lacks the figure {quantity_t} t: {text!r}")
    if not source_ref.startswith("http") or f"source: {source_ref}" not in text.splitlines():
        problems.append(f"tooltip lacks the source URL {source_ref}: {text!r}")
    return problems


def _render_without_source_line(published_db: Path, path: Path, monkeypatch) -> Path:
    """The same marts drawn with a tooltip that has no source line: a broken build."""
    from orchestration.reports import interactive
    from orchestration.reports.assets import read_impact_inputs
    from orchestration.reports.interactive_page import write_impact_report

    monkeypatch.setattr(
        interactive,
        "HOVER_TEMPLATE",
        interactive.HOVER_TEMPLATE.replace("source: %{customdata[1]}<br>", ""),
    )
    conn = duckdb.connect(str(published_db), read_only=True)
    try:
        inputs = read_impact_inputs(conn)
    finally:
        conn.close()
    return write_impact_report(inputs, path)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("build", ["as_built", "tooltip_without_source"])
def test_hovering_a_magnets_point_shows_its_figure_and_source_url_with_no_network(
    build, browser_run: BrowserRun, chromium, tmp_path, monkeypatch, capsys
):
    report = browser_run.reports / settings.IMPACT_HTML_NAME
    assert report.is_file(), "the pipeline run wrote no interactive report"
    if build == "tooltip_without_source":
        report = _render_without_source_line(
            browser_run.published_db, tmp_path / "broken.html", monkeypatch
        )
    page, refused = open_offline(chromium, report)
    try:
        text = hover_first_world_point(page)
        save_screenshot(page, f"impact_report_magnets_tooltip_{build}", capsys)
        problems = tooltip_problems(text, browser_run.published_db)
    finally:
        page.close()
    assert refused == [], "the report fetched from the network"
    if build == "as_built":
        assert problems == []
    else:
        assert len(problems) == 1 and "lacks the source URL" in problems[0]
