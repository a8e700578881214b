"""The interactive impact report on frames written here (invented numbers): what a tooltip
carries, the CSV links, the table's reasons, and that the file loads nothing from outside."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import re
import subprocess
import sys
import urllib.parse

import pandas as pd
import pytest

from orchestration import settings
from orchestration.reports import interactive
from orchestration.reports.interactive_data import (
    NO_EVENT_WINDOW_MESSAGE,
    ImpactInputs,
    csv_data_uri,
    format_quantity,
    impact_table,
)
from orchestration.reports.interactive_page import impact_report_html
from orchestration.reports.model import ChartInputError

D = dt.date
URL = "https://example.org/magnets-june"


def _series() -> pd.DataFrame:
    rows = [
        # month, partner, t, months covered, source
        (D(2025, 1, 1), "WLD", 8000.0, 2, "https://example.org/jan-feb"),  # combined release
        (D(2025, 3, 1), "WLD", 5000.0, 1, "https://example.org/march"),
        (D(2025, 4, 1), "WLD", None, 1, None),  # nobody reported April
        (D(2025, 5, 1), "WLD", 1238.0, 1, "https://example.org/may"),
        (D(2025, 6, 1), "WLD", 3188.0, 1, URL),
        (D(2025, 6, 1), "USA", 353.0, 1, URL),
    ]
    return pd.DataFrame(
        {
            "period_month": [r[0] for r in rows],
            "product_group": "rare_earth_magnets",
            "series_id": "850511",
            "partner_iso3": [r[1] for r in rows],
            "quantity_t": [r[2] for r in rows],
            "months_covered": [r[3] for r in rows],
            "source_ref": [r[4] for r in rows],
            "measures_in_force": [["m18"]] * len(rows),
        }
    )


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "event_id": "m18",
                "announced_date": D(2025, 4, 4),
                "effective_date": D(2025, 4, 4),
                "suspended_date": None,
                "suspension_end_date": None,
                "lifted_date": None,
                "status_unknown_from": None,
                "issuer": "MOFCOM+GACC",
                "announcement_no": "18",
                "event_type": "export_control",
                "is_measure": True,
                "product_groups": ["rare_earth_magnets"],
                "targets": ["ALL"],
                "is_verified": True,
            }
        ]
    )


def _impact() -> pd.DataFrame:
    base = {
        "event_id": "m18",
        "series_id": "850511",
        "partner_iso3": "WLD",
        "partner_scope": "world",
        "window_name": "after_effect",
        "baseline_window_name": "before_effect",
        "change_vs_year_earlier_pct": None,
    }
    return pd.DataFrame(
        [
            {
                **base,
                "window_months": 1,
                "mean_quantity_t": None,
                "baseline_mean_quantity_t": 5000.0,
                "change_vs_baseline_pct": None,
                "verdict": None,
                "no_verdict_reason": "after_effect window (2025-04 to 2025-04) has data for "
                "0 of 1 months; a verdict needs 1",
            },
            {
                **base,
                "window_months": 3,
                "mean_quantity_t": 2213.0,
                "baseline_mean_quantity_t": 4333.3,
                "change_vs_baseline_pct": -48.9,
                "verdict": "fell",
                "no_verdict_reason": None,
            },
        ]
    )


def _inputs(event_window: pd.DataFrame | None = None) -> ImpactInputs:
    window_columns = [
        "event_id",
        "series_id",
        "partner_iso3",
        "event_month",
        "relative_month",
        "period_month",
        "quantity_t",
        "index_pct",
    ]
    return ImpactInputs(
        series=_series(),
        impact=_impact(),
        event_window=event_window
        if event_window is not None
        else pd.DataFrame(columns=window_columns),
        series_info=pd.DataFrame(
            [
                {
                    "series_id": "850511",
                    "series_name": "Rare-earth permanent magnets",
                    "product_group": "rare_earth_magnets",
                    "chart_unit": "t",
                    "caveat": "",
                }
            ]
        ),
        events=_events(),
        partners=pd.DataFrame(
            {
                "partner_iso3": ["WLD", "USA"],
                "partner_name": ["World", "United States"],
                "partner_type": ["world", "country"],
            }
        ),
    )


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (3188.0, "t", "3,188 t"),
        (0.721, "t", "0.721 t"),
        (1427.5, "kg", "1,427.5 kg"),
        (0.0, "t", "0 t"),
    ],
)
def test_figures_read_with_thousands_separators_and_their_unit(value, unit, text):
    assert format_quantity(value, unit) == text


def test_a_csv_link_carries_the_frame_itself():
    frame = pd.DataFrame({"period_month": ["2025-06-01"], "source_ref": [URL + "?a=1&b=2"]})
    uri = csv_data_uri(frame)
    assert uri.startswith("data:text/csv;charset=utf-8,")
    assert urllib.parse.unquote(uri.split(",", 1)[1]) == frame.to_csv(index=False)


def _figure_data(page: str, div_id: str) -> list[dict]:
    """The traces plotly draws in one div, read back from the script that draws it."""
    match = re.search(rf'Plotly\.newPlot\(\s*"{div_id}",\s*(\[.*?\]),\s*\{{', page, re.DOTALL)
    assert match, f"no figure {div_id}"
    return json.loads(match.group(1))


def test_each_point_carries_its_figure_source_and_measures_and_a_combined_release_says_so():
    page = impact_report_html(_inputs())
    world = _figure_data(page, "monthly-850511")[0]
    assert world["name"] == "World"
    assert "source: %{customdata[1]}" in world["hovertemplate"]
    by_month = dict(zip(world["x"], world["customdata"], strict=True))
    assert by_month["2025-06-01"] == ["3,188 t", URL, "m18"]
    assert by_month["2025-04-01"][:2] == ["no figure", "no figure"]
    assert "one release for 2 months" in by_month["2025-01-01"][0]
    assert world["y"][world["x"].index("2025-04-01")] is None  # a gap, not a zero


def test_the_table_gives_the_change_and_verdict_or_the_reason_for_none():
    table = impact_table(_inputs(), "850511")
    assert table["cell"].tolist() == ["n/a (no verdict)", "-48.9% fell"]
    page = impact_report_html(_inputs())
    assert "has data for 0 of 1 months; a verdict needs 1" in page


def test_a_series_without_an_indexable_event_says_so_instead_of_drawing_panels():
    assert NO_EVENT_WINDOW_MESSAGE in impact_report_html(_inputs())
    windows = pd.DataFrame(
        {
            "event_id": "m18",
            "series_id": "850511",
            "partner_iso3": "WLD",
            "event_month": D(2025, 4, 1),
            "relative_month": [-1, 0],
            "period_month": [D(2025, 3, 1), D(2025, 4, 1)],
            "quantity_t": [5000.0, None],
            "index_pct": [100.0, None],
        }
    )
    page = impact_report_html(_inputs(windows))
    assert NO_EVENT_WINDOW_MESSAGE not in page
    assert _figure_data(page, "windows-850511")[0]["y"] == [100.0, None]


class _Loads(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.loads += [values["src"]] if values.get("src") else []
        self.loads += [values["href"]] if tag == "link" and values.get("href") else []


def test_the_page_inlines_plotly_and_loads_nothing_from_outside():
    page = impact_report_html(_inputs())
    parser = _Loads()
    parser.feed(page)
    assert parser.loads == []
    assert "plotly.js v" in page[:200_000]  # the library itself, in the head


def test_a_mart_without_a_column_the_report_reads_is_named():
    inputs = _inputs()
    broken = ImpactInputs(**{**inputs.__dict__, "impact": inputs.impact.drop(columns=["verdict"])})
    with pytest.raises(ChartInputError, match="mart_policy_impact.*verdict"):
        impact_report_html(broken)


def test_importing_the_definitions_does_not_import_plotly():
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import orchestration.definitions; print('plotly' in sys.modules)",
        ],
        cwd=settings.PROJECT_ROOT,
        env={k: v for k, v in os.environ.items() if k != "DAGSTER_IS_DEV_CLI"},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip().splitlines()[-1] == "False"


def test_the_impact_report_asset_reads_the_marts_and_runs_in_refresh_all():
    from dagster import AssetKey

    from orchestration.definitions import defs
    from orchestration.reports.assets import IMPACT_SOURCE_MODELS
    from orchestration.transform.assets import build_dbt_models

    key = AssetKey(["reports", "policy_impact"])
    node = defs.resolve_asset_graph().get(key)
    assert node.group_name == "reports" and "plotly" in node.kinds
    assert node.parent_keys == {AssetKey(["marts", name]) for name in IMPACT_SOURCE_MODELS}
    assert node.parent_keys <= set(build_dbt_models().keys)
    assert key in defs.resolve_job_def("refresh_all").asset_layer.selected_asset_keys
    assert interactive.HOVER_TEMPLATE.count("%{customdata") == 3
