"""Every column of every published mart (what BI users see) is described in the marts yml with
its unit, judged by the column's real type; the yml alone cannot tell that a column exists
or that an undeclared one is numeric, the published file can."""

import copy

import duckdb
import pytest

from orchestration import settings
from tests.mart_doc_rules import documentation_problems, load_mart_column_docs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published_types(pipeline_run) -> dict[str, dict[str, str]]:
    assert pipeline_run.result.success
    published = pipeline_run.paths.publish / settings.PUBLISHED_DB_NAME
    conn = duckdb.connect(str(published), read_only=True)
    rows = conn.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' order by table_name, ordinal_position"
    ).fetchall()
    conn.close()
    types: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        types.setdefault(table, {})[column] = data_type
    return types


def test_every_published_mart_column_is_described_with_its_unit(published_types):
    assert len(published_types) >= 12
    assert documentation_problems(load_mart_column_docs(), published_types) == []


def test_a_published_column_missing_from_the_yml_is_caught(published_types):
    docs = load_mart_column_docs()
    del docs["mart_news_claim_checks"]["confidence"]
    assert documentation_problems(docs, published_types) == [
        "mart_news_claim_checks.confidence: not documented"
    ]


def test_a_numeric_column_without_a_unit_is_caught_by_its_real_type(published_types):
    """start_char has no declared type (no contract) and no unit in its name: only the
    published type shows it is a number that needs a unit."""
    docs = copy.deepcopy(load_mart_column_docs())
    docs["mart_news_claim_checks"]["start_char"]["description"] = "Where the sentence starts."
    assert documentation_problems(docs) == []
    problems = documentation_problems(docs, published_types)
    assert len(problems) == 1 and problems[0].startswith(
        "mart_news_claim_checks.start_char: numeric (INTEGER)"
    )
