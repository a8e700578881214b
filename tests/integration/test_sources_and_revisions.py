"""Issue 4 acceptance: a GACC query export, a GACC preliminary table and a Comtrade response
for the same month give one fact row per grain from the right source; partners' reports show
in the mirror gap; a later export revising a month adds a vintage and the fact follows it."""

import shutil

import duckdb
import pytest

from tests.conftest import copy_embedded_default, point_settings_at
from tests.fixtures.gacc_files import FULL_HEADER, write_gacc_file
from tests.fixtures.gacc_preliminary import preliminary_html
from tests.integration.conftest import run_refresh_all

pytestmark = pytest.mark.slow
COMTRADE_FIXTURES = [
    "preview_chn_exports_850511_202506.json",
    "preview_mirror_imports_from_chn_850511_202506.json",
]

# Test data, not real figures: magnets to the United States in June 2025, two trade modes.
FIRST_EXPORT = [
    '202506,8505111000,稀土永磁体,,美国,10,一般贸易,32,江苏省,"200,000",千克,,,"10,000,000"',
    '202506,8505111000,稀土永磁体,,美国,14,进料加工贸易,33,浙江省,"150,500",千克,,,"7,525,000"',
]
# A later download of the same query: the second line was revised upwards.
REVISED_EXPORT = [
    FIRST_EXPORT[0],
    '202506,8505111000,稀土永磁体,,美国,14,进料加工贸易,33,浙江省,"160,500",千克,,,"8,025,000"',
]


@pytest.fixture(scope="module")
def landing_with_three_sources(tmp_path_factory):
    from pathlib import Path

    root = tmp_path_factory.mktemp("sources")
    with pytest.MonkeyPatch.context() as monkeypatch:
        paths = point_settings_at(monkeypatch, root)
        copy_embedded_default(paths.landing)
        write_gacc_file(
            paths.landing / "gacc" / "magnets_us_2025_06.csv", FULL_HEADER, FIRST_EXPORT
        )
        (paths.landing / "gacc" / "preliminary_2025_06.html").write_text(preliminary_html())
        fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "comtrade"
        (paths.landing / "comtrade").mkdir(exist_ok=True)  # the embedded default has one
        for name in COMTRADE_FIXTURES:
            shutil.copy(fixtures / name, paths.landing / "comtrade" / name)
        first = run_refresh_all()
        first_facts = _facts(paths)
        write_gacc_file(
            paths.landing / "gacc" / "magnets_us_2025_06_downloaded_again.csv",
            FULL_HEADER,
            REVISED_EXPORT,
        )
        second = run_refresh_all()
        yield paths, first, first_facts, second


def _facts(paths):
    conn = duckdb.connect(str(paths.published_db), read_only=True)
    rows = conn.execute(
        "select product_code, partner_iso3, quantity_t, source from marts.fct_monthly_exports "
        "where period_month = '2025-06-01'"
    ).fetchall()
    conn.close()
    return {(product, partner): (quantity, source) for product, partner, quantity, source in rows}


def test_each_grain_takes_the_source_with_the_best_precedence(landing_with_three_sources):
    _, first, facts, _ = landing_with_three_sources
    assert first.success
    assert facts[("850511", "USA")] == (pytest.approx(350.5), "gacc_detailed")
    assert facts[("rare_earths_total", "WLD")] == (pytest.approx(7742.2), "gacc_preliminary")
    assert facts[("850511", "WLD")] == (pytest.approx(3188.0), "published_figures")
    assert facts[("850511", "JPN")] == (pytest.approx(288.9), "comtrade")
    assert facts[("850511", "KOR")] == (pytest.approx(402.1), "comtrade")


def test_the_other_sources_stay_queryable(landing_with_three_sources):
    paths, *_ = landing_with_three_sources
    conn = duckdb.connect(str(paths.warehouse), read_only=True)
    sources = {
        source
        for (source,) in conn.execute(
            "select source from intermediate.int_monthly_exports_unioned "
            "where period_month = '2025-06-01' and product_code = '850511' "
            "and partner_iso3 = 'USA'"
        ).fetchall()
    }
    conn.close()
    assert sources == {"gacc_detailed", "published_figures", "comtrade"}


def test_the_mirror_gap_sets_partner_reports_against_china(landing_with_three_sources):
    paths, *_ = landing_with_three_sources
    conn = duckdb.connect(str(paths.published_db), read_only=True)
    gaps = {
        partner: (china, partner_t, gap)
        for partner, china, partner_t, gap in conn.execute(
            "select partner_iso3, china_reported_t, partner_reported_t, gap_pct "
            "from marts.mart_mirror_gap where period_month = '2025-06-01' "
            "and product_code = '850511'"
        ).fetchall()
    }
    conn.close()
    china, partner, gap = gaps["DEU"]
    assert (china, partner) == (pytest.approx(612.3), pytest.approx(598.4))
    assert gap == pytest.approx((598.4 - 612.3) / 612.3 * 100, abs=0.01)
    assert gaps["USA"][1] == pytest.approx(339.8)


def test_a_revised_export_adds_a_vintage_and_the_fact_shows_the_revision(
    landing_with_three_sources,
):
    paths, _, _, second = landing_with_three_sources
    assert second.success
    assert _facts(paths)[("850511", "USA")] == (pytest.approx(360.5), "gacc_detailed")
    conn = duckdb.connect(str(paths.published_db), read_only=True)
    revision = conn.execute(
        "select first_quantity_t, latest_quantity_t, revision_pct, vintages, source "
        "from marts.mart_revisions where period_month = '2025-06-01' "
        "and product_code = '850511' and partner_iso3 = 'USA'"
    ).fetchone()
    conn.close()
    assert revision == (
        pytest.approx(350.5),
        pytest.approx(360.5),
        pytest.approx(2.85, abs=0.01),
        2,
        "gacc_detailed",
    )


def test_freshness_tells_not_yet_published_from_missing(landing_with_three_sources):
    paths, *_ = landing_with_three_sources
    conn = duckdb.connect(str(paths.published_db), read_only=True)
    statuses = dict(
        conn.execute(
            "select source || ' ' || strftime(period_month, '%Y-%m'), status "
            "from marts.mart_source_freshness"
        ).fetchall()
    )
    conn.close()
    assert statuses["gacc_preliminary 2025-06"] == "present"
    assert statuses["gacc_preliminary 2025-07"] == "missing"  # released 2025-08-07, absent


def test_the_latest_comtrade_month_is_not_yet_published_rather_than_missing(
    landing_with_three_sources,
):
    import datetime as dt

    paths, *_ = landing_with_three_sources
    last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    conn = duckdb.connect(str(paths.published_db), read_only=True)
    (status,) = conn.execute(
        "select status from marts.mart_source_freshness where source = 'comtrade' "
        "and strftime(period_month, '%Y-%m') = ?",
        [last_month],
    ).fetchone()
    conn.close()
    assert status == "not_yet_published"  # expected three months after the month
