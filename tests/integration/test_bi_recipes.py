"""The README's "Query from BI tools" recipes, taken from README.md itself and run as written on
a real published file: each one answers, all give the same answer, and that answer holds a
figure of the embedded data. They run while the warehouse is held open for writing (the
pipeline at work) and while another reader holds the published file, so a recipe that touched
the warehouse, or opened the published file for writing, fails here.

Recipes are the fenced blocks preceded by `<!-- bi-recipe: NAME -->`. Paths in them are the
defaults (`data/published/...`, `.venv/bin/...`); the test swaps in the fixture's folders."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration import settings

pytestmark = pytest.mark.slow

README = settings.PROJECT_ROOT / "README.md"
RECIPE_BLOCK = re.compile(
    r"<!-- bi-recipe: (?P<name>[\w-]+) -->\n```(?P<language>\w+)\n(?P<body>.*?)\n```", re.S
)
EXPECTED_RECIPES = {
    "sample-query",
    "duckdb-shell",
    "python-duckdb",
    "sqlalchemy-url",
    "sqlalchemy-python",
    "parquet-duckdb",
}
# What the recipes name, and what the test puts in its place.
DEFAULT_PUBLISH_DIR = "data/published/"
URL_PUBLISH_DIR = "/path/to/ree-tracker/data/published/"
VENV_BIN = ".venv/bin/"
# rare_earths_total, WLD, May 2025: GACC's figure as reported
# (data/landing/published_figures/reported_figures.csv, row
# rare_earths_total-WLD-2025-05).
KNOWN_ROW = ("2025-05-01", 5864.6)
ROWS_MARKER = "RECIPE-ROWS "
# Appended to each Python recipe: the recipe leaves its answer in `rows`.
PRINT_ROWS = (
    f"\nimport json as _json\nprint({ROWS_MARKER!r} + "
    "_json.dumps([[str(month), float(tonnes)] for month, tonnes in rows]))\n"
)


@dataclass(frozen=True)
class Recipe:
    name: str
    language: str
    body: str


class RecipeFailed(AssertionError):
    pass


def readme_recipes(text: str) -> dict[str, Recipe]:
    recipes = {}
    for match in RECIPE_BLOCK.finditer(text):
        name = match["name"]
        assert name not in recipes, f"recipe {name} appears twice in the README"
        recipes[name] = Recipe(name, match["language"], match["body"])
    return recipes


def normalized_sql(sql: str) -> str:
    return " ".join(sql.split()).rstrip(";").strip()


def with_published_paths(body: str, publish_dir: Path) -> str:
    """The recipe pointed at `publish_dir`; it must name the default folder to be pointed."""
    for placeholder in (URL_PUBLISH_DIR, DEFAULT_PUBLISH_DIR):
        if placeholder in body:
            body = body.replace(placeholder, f"{publish_dir}/")
            return body.replace(VENV_BIN, f"{Path(sys.prefix) / 'bin'}/")
    raise RecipeFailed(f"recipe names neither {DEFAULT_PUBLISH_DIR} nor {URL_PUBLISH_DIR}")


def _run(command: list[str], stdin: str, workdir: Path) -> str:
    # The working folder is empty: a recipe that still read data/published/ would fail.
    done = subprocess.run(
        command, input=stdin, capture_output=True, text=True, cwd=workdir, timeout=300
    )
    if done.returncode != 0:
        raise RecipeFailed(f"{command[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def _rows_printed_by_python(stdout: str) -> list[tuple[str, float]]:
    lines = [line for line in stdout.splitlines() if line.startswith(ROWS_MARKER)]
    if len(lines) != 1:
        raise RecipeFailed(f"the recipe left no `rows` to read: {stdout[-500:]}")
    return [(month, tonnes) for month, tonnes in json.loads(lines[0][len(ROWS_MARKER) :])]


def run_shell_recipe(command: str, sample_query: str, workdir: Path) -> list[tuple[str, float]]:
    """The shell opened as the recipe says, the sample query typed in (CSV output to parse)."""
    stdout = _run(command.split(), f".mode csv\n{sample_query}\n", workdir)
    table = list(csv.reader(io.StringIO(stdout)))
    if not table or table[0] != ["period_month", "quantity_t"]:
        raise RecipeFailed(f"unexpected shell output: {stdout[-500:]}")
    return [(month, float(tonnes)) for month, tonnes in table[1:]]


def run_python_recipe(code: str, sample_query: str, workdir: Path) -> list[tuple[str, float]]:
    if normalized_sql(sample_query) not in normalized_sql(code):
        raise RecipeFailed("the recipe does not run the README's sample query")
    return _rows_printed_by_python(_run([sys.executable, "-"], code + PRINT_ROWS, workdir))


def run_url_recipe(url: str, sample_query: str, workdir: Path) -> list[tuple[str, float]]:
    """The URL as a SQLAlchemy-based tool would use it: create_engine(url), then the query."""
    code = (
        "from sqlalchemy import create_engine, text\n"
        f"engine = create_engine({url.strip()!r})\n"
        "with engine.connect() as connection:\n"
        f"    rows = connection.execute(text({sample_query.rstrip(';')!r})).fetchall()\n"
    )
    return _rows_printed_by_python(_run([sys.executable, "-"], code + PRINT_ROWS, workdir))


def run_recipe(
    recipe: Recipe, sample_query: str, publish_dir: Path, workdir: Path
) -> list[tuple[str, float]]:
    body = with_published_paths(recipe.body, publish_dir)
    runners = {"bash": run_shell_recipe, "python": run_python_recipe, "text": run_url_recipe}
    if recipe.language not in runners:
        raise RecipeFailed(f"no way to run a {recipe.language} recipe")
    return runners[recipe.language](body, sample_query, workdir)


def answers_of_every_recipe(
    recipes: dict[str, Recipe], publish_dir: Path, workdir: Path
) -> dict[str, list[tuple[str, float]]]:
    sample_query = recipes["sample-query"].body
    return {
        name: run_recipe(recipe, sample_query, publish_dir, workdir)
        for name, recipe in recipes.items()
        if name != "sample-query"
    }


def assert_answers_agree_and_hold_the_known_row(answers: dict[str, list[tuple[str, float]]]):
    reference_name, reference = next(iter(answers.items()))
    for name, rows in answers.items():
        assert rows == reference, f"{name} disagrees with {reference_name}"
    assert KNOWN_ROW in reference


@pytest.fixture(scope="module")
def recipes() -> dict[str, Recipe]:
    return readme_recipes(README.read_text(encoding="utf-8"))


@pytest.fixture
def published(pipeline_run) -> Path:
    assert pipeline_run.result.success
    return pipeline_run.paths.publish


def test_the_readme_holds_every_recipe(recipes):
    assert set(recipes) == EXPECTED_RECIPES


def test_every_recipe_gives_the_same_answer_while_the_pipeline_holds_the_warehouse(
    recipes, published, pipeline_run, tmp_path
):
    writer = duckdb.connect(str(pipeline_run.paths.warehouse))  # as the pipeline holds it
    other_reader = duckdb.connect(str(published / settings.PUBLISHED_DB_NAME), read_only=True)
    try:
        answers = answers_of_every_recipe(recipes, published, tmp_path)
    finally:
        other_reader.close()
        writer.close()
    assert set(answers) == EXPECTED_RECIPES - {"sample-query"}
    assert_answers_agree_and_hold_the_known_row(answers)
    assert len(answers["python-duckdb"]) > 12  # the whole series, not one month


def test_the_warehouse_is_really_held_while_the_recipes_run(recipes, pipeline_run, tmp_path):
    """Pointed at the warehouse instead, the Python recipe fails: the hold above is real."""
    warehouse = pipeline_run.paths.warehouse
    code = recipes["python-duckdb"].body.replace(
        f"{DEFAULT_PUBLISH_DIR}{settings.PUBLISHED_DB_NAME}", str(warehouse)
    )
    writer = duckdb.connect(str(warehouse))
    try:
        with pytest.raises(RecipeFailed, match="lock"):
            run_python_recipe(code, recipes["sample-query"].body, tmp_path)
    finally:
        writer.close()


# recipe: (text in it, replaced by, what the failure says)
BROKEN_VARIANTS = {
    # opened for writing: refused while another reader holds the file
    "python-duckdb": ("read_only=True", "read_only=False", "lock"),
    "sqlalchemy-python": (', connect_args={"read_only": True}', "", "lock"),
    "duckdb-shell": (" -readonly", "", "lock"),
    "sqlalchemy-url": ("?access_mode=read_only", "", "lock"),
    # a Parquet file that is not published
    "parquet-duckdb": ("fct_monthly_exports.parquet", "fct_monthly_export.parquet", "No files"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_VARIANTS))
def test_a_broken_recipe_fails(recipes, published, name, tmp_path):
    old, new, failure = BROKEN_VARIANTS[name]
    recipe = recipes[name]
    assert old in recipe.body, f"the broken variant of {name} no longer applies"
    broken = Recipe(name, recipe.language, recipe.body.replace(old, new))
    other_reader = duckdb.connect(str(published / settings.PUBLISHED_DB_NAME), read_only=True)
    try:
        with pytest.raises(RecipeFailed, match=failure):
            run_recipe(broken, recipes["sample-query"].body, published, tmp_path)
    finally:
        other_reader.close()


def test_a_recipe_running_another_query_is_caught(recipes, published, tmp_path):
    sample_query = recipes["sample-query"].body
    recipe = recipes["python-duckdb"]
    other_partner = recipe.body.replace("partner_iso3 = 'WLD'", "partner_iso3 = 'USA'")
    with pytest.raises(RecipeFailed, match="sample query"):
        run_python_recipe(with_published_paths(other_partner, published), sample_query, tmp_path)


def test_recipes_that_disagree_are_caught():
    answers = {"a": [KNOWN_ROW], "b": [KNOWN_ROW, ("2025-06-01", 7742.2)]}
    with pytest.raises(AssertionError, match="b disagrees with a"):
        assert_answers_agree_and_hold_the_known_row(answers)
    with pytest.raises(AssertionError):
        assert_answers_agree_and_hold_the_known_row({"a": [("2025-05-01", 5865.0)]})


def test_a_recipe_missing_from_the_readme_is_caught(recipes):
    text = README.read_text(encoding="utf-8").replace("<!-- bi-recipe: duckdb-shell -->", "")
    assert set(readme_recipes(text)) == EXPECTED_RECIPES - {"duckdb-shell"}
