"""Every mart column in dbt_project/models/marts/*.yml has a description, and every measure
states its unit; the checker catches each kind of gap on deliberately broken copies."""

import copy
import shutil

import pytest

from tests.mart_doc_rules import (
    MARTS_MODELS_DIR,
    documentation_problems,
    load_mart_column_docs,
)


@pytest.fixture(scope="module")
def docs():
    return load_mart_column_docs()


def test_every_mart_column_is_described_with_its_unit(docs):
    assert documentation_problems(docs) == []


def test_every_mart_model_in_the_folder_lists_its_columns(docs):
    models_with_sql = {path.stem for path in MARTS_MODELS_DIR.glob("*.sql")}
    assert models_with_sql <= set(docs)
    assert all(docs[model] for model in models_with_sql)


def _broken(docs, model, column, **changes):
    broken = copy.deepcopy(docs)
    broken[model][column].update(changes)
    return broken


@pytest.mark.parametrize(
    ("model", "column", "changes", "problem"),
    [
        ("mart_revisions", "first_landed_at", {"description": ""}, "no description"),
        (
            "fct_monthly_exports",
            "quantity_t",
            {"description": "Net weight exported."},
            "does not state its unit (t)",
        ),
        (
            "fct_monthly_exports_detail",
            "value_cny",
            {"description": "Value in yuan."},
            "does not state its unit (CNY)",
        ),
        (
            "fct_monthly_exports",
            "unit_value_usd_per_kg",
            {"description": "value_usd / quantity_t."},
            "(USD/kg)",
        ),
        (
            "fct_monthly_exports",
            "yoy_change_pct",
            {"description": "Change on a year earlier."},
            "(%)",
        ),
        (
            "fct_monthly_exports",
            "months_covered",
            {"description": "Months the figure covers."},
            "numeric (integer) but its description states no unit",
        ),
        ("fct_monthly_exports", "latest_vintage_at", {"description": "When it landed."}, "(UTC)"),
    ],
)
def test_a_missing_description_or_unit_is_caught(docs, model, column, changes, problem):
    problems = documentation_problems(_broken(docs, model, column, **changes))
    assert len(problems) == 1
    assert problems[0].startswith(f"{model}.{column}:") and problem in problems[0]


def test_a_column_added_to_the_yml_without_a_description_is_caught(tmp_path):
    """The same check on a real yml file with one column's description taken out."""
    shutil.copytree(MARTS_MODELS_DIR, tmp_path / "marts")
    yml = tmp_path / "marts" / "_mart_revisions.yml"
    text = yml.read_text(encoding="utf-8")
    described = "        description: Figure of the first release, tonnes (t).\n"
    assert described in text
    yml.write_text(text.replace(described, ""), encoding="utf-8")

    assert documentation_problems(load_mart_column_docs(tmp_path / "marts")) == [
        "mart_revisions.first_quantity_t: no description"
    ]
