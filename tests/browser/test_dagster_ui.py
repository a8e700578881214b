"""The Dagster UI, seen in a real browser: the pipeline runs once as users run it (`ree-tracker
run`, recorded in a temp DAGSTER_HOME), `dagster-webserver` serves that instance as `make dev`
does, and Debian's headless chromium opens the lineage graph and a mart's checks.

Screenshots go to tests/browser/artifacts/ (not committed); the test prints their paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
import yaml
from dagster import AssetCheckKey, AssetKey, AssetSelection, DagsterInstance
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.browser.conftest import BrowserRun, save_screenshot
from tests.browser.dagster_ui import (
    ASSET_NODE_LABEL,
    CHROMIUM,
    CHROMIUM_ARGS,
    COLLAPSED_GROUP_NODE,
    MATERIALIZED_NODE,
    check_status_shown,
    community_dialog_shown,
    expand_all_groups,
    graph_labels,
    label_shows,
    labels_not_expected,
    names_not_shown,
    running_webserver,
)

# The customs path through the project: raw GACC exports to the published file, every asset
# on the way (Dagster's selection syntax, as typed into the lineage page's filter).
CUSTOMS_PATH = 'key:"raw/gacc_query_exports"+ and +key:"published/ree_tracker"'
KEY_ASSETS = ["raw/gacc_query_exports", "marts/fct_monthly_exports", "published/ree_tracker"]
MART = AssetKey(["marts", "fct_monthly_exports"])
GE_CHECK = "ge_fct_monthly_exports"  # orchestration/quality/checks.py: ge_<suite name>
# dbt's name for the primary-key test in dbt_project/models/marts/_fct_monthly_exports.yml
DBT_KEY_TEST = (
    "unique_combination_of_columns_fct_monthly_exports_period_month__product_code__partner_iso3"
)


@dataclass
class DagsterUI:
    url: str
    dagster_home: Path
    browser: BrowserContext

    def new_page(self) -> Page:
        return self.browser.new_page()


@pytest.fixture(scope="module")
def dagster_ui(browser_run: BrowserRun) -> Iterator[DagsterUI]:
    root, env = browser_run.root, browser_run.env
    with (
        running_webserver(env, root / "webserver.log") as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch_persistent_context(
            str(root / "chromium-profile"),  # a fresh profile every time
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            yield DagsterUI(url=server.url, dagster_home=browser_run.dagster_home, browser=browser)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def asset_graph():
    """What the webserver's code location defines, read from the same definitions."""
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def _recorded_check_statuses(dagster_home: Path, check_keys: list[AssetCheckKey]) -> dict:
    """The latest result of each check as the run recorded it in the instance, worded the way
    the UI words it."""
    # The instance's event log is configured under DAGSTER_HOME (config/dagster.yaml).
    with mock.patch.dict(os.environ, {"DAGSTER_HOME": str(dagster_home)}):
        instance = DagsterInstance.from_config(str(dagster_home))
    try:
        latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(check_keys)
    finally:
        instance.dispose()
    return {key.name: record.status.value.capitalize() for key, record in latest.items()}


@pytest.mark.parametrize(
    ("label", "name", "shows"),
    [
        ("ree_tracker", "ree_tracker", True),
        ("fct_month…_exports", "fct_monthly_exports", True),
        ("fct_month…_exports", "fct_monthly_exports_detail", False),  # tail differs
        ("fct_month…_exports", "fct_month_exports", False),  # nothing was left out
        ("ree_tracker", "ree_tracker_v2", False),  # a whole label must be the whole name
        ("int…_product_codes", "int_unknown_product_codes", True),
        ("int…_product_codes", "dim_product_codes", False),  # head differs
    ],
)
def test_a_shortened_graph_label_shows_only_the_names_it_abbreviates(label, name, shows):
    assert label_shows(label, name) is shows


@pytest.mark.browser
@pytest.mark.slow
def test_lineage_page_draws_every_asset_from_raw_gacc_exports_to_the_published_file(
    dagster_ui, asset_graph, capsys
):
    on_path = AssetSelection.from_string(CUSTOMS_PATH).resolve(asset_graph)
    assert {AssetKey.from_user_string(key) for key in KEY_ASSETS} <= on_path
    expected_names = sorted(key.path[-1] for key in on_path)

    page = dagster_ui.new_page()
    page.goto(f"{dagster_ui.url}/asset-groups~{quote(CUSTOMS_PATH, safe='')}/")
    page.get_by_text("Global asset lineage").wait_for()
    expand_all_groups(page)
    page.locator(ASSET_NODE_LABEL).nth(len(expected_names) - 1).wait_for()
    # The run materialized every asset on the path; the graph colours them so once it has
    # loaded their state.
    expect(page.locator(MATERIALIZED_NODE)).to_have_count(len(expected_names), timeout=60_000)
    save_screenshot(page, "dagster_customs_lineage", capsys)

    labels = graph_labels(page)
    assert names_not_shown(labels, [key.split("/")[-1] for key in KEY_ASSETS]) == []
    assert names_not_shown(labels, expected_names) == []
    assert labels_not_expected(labels, expected_names) == []
    # The same reading reports assets the page does not draw: one defined off this path,
    # one that does not exist.
    assert names_not_shown(labels, ["iso_countries", "fct_monthly_imports"]) == [
        "iso_countries",
        "fct_monthly_imports",
    ]


@pytest.mark.browser
@pytest.mark.slow
def test_mart_page_lists_every_dbt_test_and_ge_check_with_the_result_the_run_recorded(
    dagster_ui, asset_graph, capsys
):
    check_keys = sorted(
        (key for key in asset_graph.asset_check_keys if key.asset_key == MART),
        key=lambda key: key.name,
    )
    check_names = [key.name for key in check_keys]
    assert GE_CHECK in check_names and DBT_KEY_TEST in check_names
    recorded = _recorded_check_statuses(dagster_ui.dagster_home, check_keys)
    assert sorted(recorded) == check_names, "the run did not evaluate every check"

    page = dagster_ui.new_page()
    page.goto(f"{dagster_ui.url}/assets/{MART.to_user_string()}?view=checks")
    page.get_by_text(f"Checks ({len(check_names)})").wait_for()
    page.get_by_title(GE_CHECK, exact=True).click()  # its suite's figures fill the right pane
    page.get_by_role("cell", name="rows_validated", exact=True).wait_for()
    save_screenshot(page, "dagster_fct_monthly_exports_checks", capsys)

    shown = {name: check_status_shown(page, name) for name in check_names}
    assert shown == recorded
    assert check_status_shown(page, "ge_fct_monthly_imports") is None


@pytest.mark.browser
@pytest.mark.slow
def test_the_ui_opens_on_the_asset_graph_without_the_community_dialog(dagster_ui, capsys):
    page = dagster_ui.new_page()
    page.goto(dagster_ui.url)
    assert not community_dialog_shown(page), "the community sign-up dialog covers the UI"
    page.goto(f"{dagster_ui.url}/asset-groups")
    page.get_by_text("Global asset lineage").wait_for()
    page.locator(COLLAPSED_GROUP_NODE).first.wait_for()  # the graph is drawn
    assert not community_dialog_shown(page)
    save_screenshot(page, "dagster_first_open", capsys)


@pytest.mark.browser
@pytest.mark.slow
def test_without_the_nux_setting_the_same_check_sees_the_community_dialog(
    dagster_ui, browser_run, tmp_path, capsys
):
    """The check above can fail: on an instance whose dagster.yaml lacks `nux`, the dialog
    opens over the same page (another port is another origin: no state shared with the
    first webserver's pages)."""
    config = yaml.safe_load((browser_run.dagster_home / "dagster.yaml").read_text())
    assert config.pop("nux") == {"enabled": False}
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    env = {**browser_run.env, "DAGSTER_HOME": str(home)}
    with running_webserver(env, tmp_path / "webserver.log") as server:
        page = dagster_ui.new_page()
        page.goto(f"{server.url}/asset-groups")
        assert community_dialog_shown(page, wait_ms=15_000)
        save_screenshot(page, "dagster_first_open_without_nux_setting", capsys)
        page.close()
