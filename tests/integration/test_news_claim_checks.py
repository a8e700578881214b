"""News claims land in mart_news_claim_checks with verdicts against the customs series, and
`ree-tracker check` gives the same verdicts from the published file."""

import json
import os
import subprocess
import sys

import duckdb
import pytest

from orchestration import settings
from tests.conftest import EMBEDDED_LANDING
from tests.integration.conftest import SHARED_NEWS_CORPUS

pytestmark = pytest.mark.slow
needs_corpus = pytest.mark.skipif(
    not SHARED_NEWS_CORPUS.is_dir(), reason=f"shared news corpus not at {SHARED_NEWS_CORPUS}"
)


@pytest.fixture
def checks(pipeline_run):
    conn = duckdb.connect(str(pipeline_run.paths.published_db), read_only=True)
    rows = conn.execute(
        "select source_file, product_code, partner_iso3, strftime(period_start_month, '%Y-%m'),"
        " strftime(period_end_month, '%Y-%m'), claimed_quantity_t, verdict, matched_series,"
        " reason from marts.mart_news_claim_checks"
    ).fetchall()
    conn.close()
    return rows


def _find(checks, file_part, quantity):
    found = [row for row in checks if file_part in row[0] and row[5] == quantity]
    assert len(found) == 1, (file_part, quantity, checks)
    return found[0]


@needs_corpus
def test_the_bloomberg_record_quoted_as_rare_earth_exports_is_a_scope_mismatch(checks):
    row = _find(checks, "august-record", 7338.0)
    assert row[1:5] == ("rare_earths_total", "WLD", "2025-08", "2025-08")
    assert row[6] == "scope_mismatch"
    assert row[7] == "bloomberg_rare_earth_products"


@needs_corpus
def test_corpus_figures_that_agree_with_customs_are_matches(checks):
    assert _find(checks, "corpus/2025-06-11", 5864.6)[6] == "match"
    assert _find(checks, "corpus/2025-07-21", 353.0)[6] == "match"


def test_embedded_articles_cover_match_mismatch_and_another_series(checks):
    assert _find(checks, "october-2025", 4343.5)[6] == "match"
    disagreeing = _find(checks, "october-2025", 4345.5)
    assert disagreeing[6] == "mismatch"
    assert "4343.5" in disagreeing[8]
    bloomberg = _find(checks, "bloomberg-rare-earth-products", 7338.0)
    assert bloomberg[1] == "bloomberg_rare_earth_products" and bloomberg[6] == "match"


def test_every_embedded_article_names_its_source(pipeline_run):
    conn = duckdb.connect(str(pipeline_run.paths.warehouse), read_only=True)
    urls = conn.execute(
        "select _source_file, url from raw.news_articles where _source_file not like '%corpus%'"
    ).fetchall()
    conn.close()
    assert len(urls) == len(list((EMBEDDED_LANDING / "news").glob("*.txt")))
    assert all(url and url.startswith("https://") for _, url in urls), urls


def test_the_cli_check_gives_the_same_verdicts_as_the_mart(pipeline_run, checks, monkeypatch):
    files = sorted(str(p) for p in (pipeline_run.paths.landing / "news").rglob("*.txt"))
    env = {"REE_PUBLISH_DIR": str(pipeline_run.paths.publish)}
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "check", *files],
        capture_output=True,
        text=True,
        cwd=settings.PROJECT_ROOT,
        env={**os.environ, **env},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    from_cli = sorted(
        (
            (d["product_code"], d["partner_iso3"], d["period_start"], d["quantity_t"], d["verdict"])
            for d in map(json.loads, completed.stdout.splitlines())
        ),
        key=repr,
    )
    from_mart = sorted(((r[1], r[2], r[3], r[5], r[6]) for r in checks), key=repr)
    assert from_cli == from_mart
    assert len(from_cli) >= 8


def test_claims_cli_needs_no_warehouse_and_the_published_option_wins(tmp_path):
    article = tmp_path / "2024-01-05_wire.txt"
    article.write_text(
        "Published: 2023-03-03\n\nChina exported 5,994.3 tonnes of rare earths in June, "
        "down 23% from May, according to customs data released this week, as buyers waited "
        "for new licences and smelters in the south cut output to protect prices during a slow "
        "quarter for magnet makers in Europe and Asia."
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "claims",
            "--published",
            "2025-07-01",
            str(article),
        ],
        capture_output=True,
        text=True,
        cwd=settings.PROJECT_ROOT,
        env={**os.environ, "REE_WAREHOUSE": str(tmp_path / "absent.duckdb")},
    )
    assert completed.returncode == 0, completed.stderr
    (claim,) = [json.loads(line) for line in completed.stdout.splitlines()]
    assert claim["published"] == "2025-07-01"
    assert (claim["period_start"], claim["quantity_t"], claim["change_pct"]) == (
        "2025-06",
        5994.3,
        -23.0,
    )
    assert claim["sentence"] in article.read_text()
    assert not (tmp_path / "absent.duckdb").exists()


@needs_corpus
def test_policy_mentions_are_matched_to_events_of_the_timeline(pipeline_run):
    conn = duckdb.connect(str(pipeline_run.paths.published_db), read_only=True)
    matched = dict(
        conn.execute(
            "select strftime(mention_date, '%Y-%m-%d') || ' ' || date_precision, event_id "
            "from marts.mart_news_policy_mentions where event_id is not null"
        ).fetchall()
    )
    unmatched_day = conn.execute(
        "select count(*) from marts.mart_news_policy_mentions "
        "where event_id is null and date_precision = 'day' and mention_date = '2025-09-09'"
    ).fetchone()
    conn.close()
    assert matched["2025-04-01 month"] == "mofcom_gacc_2025_18"  # "restrictions in April"
    assert matched["2025-06-07 day"] == "mofcom_green_channel_2025_06_07"  # "on June 7"
    assert unmatched_day == (1,)  # a survey date is not an event
    # The July article's feed item dated 2025-12-31 says "in October": October 2025, whose
    # rare-earth measures it matches, not Decree 785 of October 2024.
    assert "2024-10-01 month" not in matched
    october_9_announcements = {
        "mofcom_gacc_2025_55_56",
        "mofcom_gacc_2025_57_58",
        "mofcom_2025_61",
        "mofcom_2025_62",
    }
    assert matched["2025-10-01 month"] in october_9_announcements
