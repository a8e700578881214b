"""The folders show the data flow: imports only point down it, no module circles, no Dagster in
the pure readers, and no file or function too big to hold in one's head.

The checks read the code with ast (tests/import_rules.py); each rule is also shown to fail on
a tiny package written to a temp folder, so a green run means the rule holds, not that the
checker is blind.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orchestration import settings
from tests.import_rules import cycles, external_imports, imports_of, upward_imports

ROOT = settings.PROJECT_ROOT

# The flow, from its start: a module may import from its own layer and the layers before it.
LAYERS = (
    ("orchestration.settings",),
    # Pure: bytes in, rows out, no Dagster. news/extract.py re-exports news_text/ (the
    # extractor's public names, where callers import them); news/readers.py and
    # news/claims.py are the article readers and the claims' table shape.
    (
        "orchestration.extract",
        "orchestration.news_text",
        "orchestration.news.readers",
        "orchestration.news.extract",
        "orchestration.news.claims",
    ),
    # Dagster plumbing every area shares.
    (
        "orchestration.resources",
        "orchestration.table_metadata",
        "orchestration.progress",
        "orchestration.event_log",
    ),
    ("orchestration.landing", "orchestration.comtrade", "orchestration.news"),
    ("orchestration.transform",),
    ("orchestration.quality",),
    ("orchestration.publish",),
    ("orchestration.reports",),
    ("orchestration.automation",),
    ("orchestration.defs", "orchestration.definitions"),
    # Entry points: the command line and the benchmark's data generator.
    ("orchestration.cli", "orchestration.bench"),
)
PURE = ("orchestration.extract", "orchestration.news_text")

MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
CHECKED_FOLDERS = ("orchestration", "benchmarks", "tests")


def test_no_module_circles():
    assert cycles(imports_of(ROOT, "orchestration")) == []


def test_imports_only_point_down_the_flow():
    assert upward_imports(imports_of(ROOT, "orchestration"), LAYERS) == []


def test_the_pure_readers_never_import_dagster():
    found = [
        f"{edge.source} imports {edge.target} at line {edge.line}"
        for package in PURE
        if (ROOT / Path(*package.split("."))).is_dir()
        for edge in external_imports(ROOT, package, "dagster")
    ]
    assert found == []


def _write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


PLANTED_LAYERS = (("toy.low",), ("toy.high",))


def test_a_planted_circle_is_found_even_behind_a_lazy_import(tmp_path):
    _write_package(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/low/__init__.py": "",
            "toy/low/a.py": "from toy.low.b import B\nA = 1\n",
            "toy/low/b.py": "def b():\n    from toy.low import a  # lazy\n    return a\nB = 2\n",
            "toy/high/__init__.py": "",
        },
    )
    assert cycles(imports_of(tmp_path, "toy")) == [["toy.low.a", "toy.low.b"]]


def test_a_planted_upward_import_is_found(tmp_path):
    _write_package(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/low/__init__.py": "",
            "toy/low/reader.py": "from ..high import wiring\n",
            "toy/high/__init__.py": "",
            "toy/high/wiring.py": "from toy.low import reader\n",
        },
    )
    edges = imports_of(tmp_path, "toy")
    assert upward_imports(edges, PLANTED_LAYERS) == [
        "toy.low.reader (layer 0) imports toy.high.wiring (layer 1) at line 1"
    ]
    assert cycles(edges) == [["toy.high.wiring", "toy.low.reader"]]


def test_a_downward_import_and_an_unplaced_module_are_told_apart(tmp_path):
    _write_package(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/low/__init__.py": "",
            "toy/low/reader.py": "X = 1\n",
            "toy/high/__init__.py": "from toy.low.reader import X\n",
            "toy/stray.py": "from toy.low import reader\n",
        },
    )
    assert upward_imports(imports_of(tmp_path, "toy"), PLANTED_LAYERS) == [
        "toy.stray is in no layer"
    ]


def test_a_planted_dagster_import_in_a_pure_package_is_found(tmp_path):
    _write_package(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/low/__init__.py": "",
            "toy/low/reader.py": "def read():\n    import dagster.components\n",
        },
    )
    (edge,) = external_imports(tmp_path, "toy.low", "dagster")
    assert (edge.source, edge.target) == ("toy.low.reader", "dagster.components")


def python_files() -> list[Path]:
    return sorted(path for folder in CHECKED_FOLDERS for path in (ROOT / folder).rglob("*.py"))


def longest_functions(path: Path) -> list[tuple[int, str]]:
    """(lines, name) of every function in the file, decorators included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found.append((node.end_lineno - start + 1, node.name))
    return found


def test_no_python_file_is_longer_than_500_lines():
    too_long = {
        path.relative_to(ROOT).as_posix(): length
        for path in python_files()
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    }
    assert too_long == {}


def test_no_function_is_longer_than_80_lines():
    too_long = [
        f"{path.relative_to(ROOT)}: {name} ({lines} lines)"
        for path in python_files()
        for lines, name in longest_functions(path)
        if lines > MAX_FUNCTION_LINES
    ]
    assert too_long == []


# Imports every module but the code location itself, with dbt, subprocesses and database files
# made to fail: importing code must not parse dbt, start a process or open a warehouse.
NO_SIDE_EFFECTS_PROBE = """
import importlib, pkgutil, subprocess, sys
import dagster, dagster_dbt, duckdb  # third-party imports may start processes of their own

def refuse(*args, **kwargs):
    raise AssertionError(f"called at import time: {args[:1]}")

real_connect = duckdb.connect
def connect(database=":memory:", *args, **kwargs):
    if str(database) not in ("", ":memory:"):
        refuse(database)
    return real_connect(database, *args, **kwargs)

subprocess.run = subprocess.Popen = refuse
duckdb.connect = connect
import orchestration
for module in pkgutil.walk_packages(orchestration.__path__, "orchestration."):
    if module.name != "orchestration.definitions" and not module.name.endswith("__main__"):
        importlib.import_module(module.name)
from orchestration.transform.project import dbt_project
assert dbt_project.cache_info().currsize == 0, "the dbt project was loaded at import time"
print("ok")
"""


@pytest.mark.slow
def test_importing_any_module_parses_no_dbt_and_opens_no_warehouse():
    done = subprocess.run(
        [sys.executable, "-c", NO_SIDE_EFFECTS_PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
