"""The impact report is written again exactly when what it shows or the code writing it
changed: any value, column or type of a frame it reads, or one of its modules."""

import shutil

import pytest

from orchestration.reports.impact_version import (
    REPORTS_CODE,
    WRITING_MODULES,
    impact_report_version,
    is_current,
    record_version,
)
from tests.unit.test_interactive_report import _inputs


def test_the_same_frames_give_the_same_version():
    assert impact_report_version(_inputs()) == impact_report_version(_inputs())


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda i: None, id="unchanged-control"),
        pytest.param(
            lambda i: i.series.__setitem__("quantity_t", i.series["quantity_t"] + 1), id="a-figure"
        ),
        pytest.param(
            lambda i: i.series.loc.__setitem__((5, "source_ref"), "https://example.org/other"),
            id="a-source",
        ),
        pytest.param(lambda i: i.impact.pop("verdict"), id="a-column"),
        pytest.param(
            lambda i: i.series.__setitem__(
                "months_covered", i.series["months_covered"].astype(float)
            ),
            id="a-type",
        ),
        pytest.param(lambda i: i.events.iloc.__setitem__((-1, 0), "another-event"), id="an-event"),
    ],
)
def test_any_change_to_what_the_report_reads_gives_another_version(change, request):
    inputs = _inputs()
    before = impact_report_version(inputs)
    change(inputs)
    unchanged = request.node.callspec.id == "unchanged-control"
    assert (impact_report_version(inputs) == before) is unchanged


def test_a_change_to_the_code_that_writes_it_gives_another_version(tmp_path):
    code = tmp_path / "reports"
    code.mkdir()
    for module in WRITING_MODULES:
        shutil.copy(REPORTS_CODE / module, code / module)
    assert impact_report_version(_inputs(), code) == impact_report_version(_inputs())
    with (code / "interactive_page.py").open("a") as module:
        module.write("\n# another layout\n")
    assert impact_report_version(_inputs(), code) != impact_report_version(_inputs())


def test_a_page_is_current_only_with_its_own_version_beside_it(tmp_path):
    page = tmp_path / "policy_impact.html"
    assert not is_current(page, "v1")  # nothing written yet
    page.write_text("<html>")
    assert not is_current(page, "v1")  # a page without a version (an earlier release's)
    record_version(page, "v1")
    assert is_current(page, "v1")
    assert not is_current(page, "v2")
    page.unlink()
    assert not is_current(page, "v1")  # the version alone is not a page
    assert [p.name for p in tmp_path.iterdir()] == [".policy_impact.html.version"]
