"""The text layer keeps the shape the architecture guide asks of it: pure (no Dagster, no
I/O libraries), split by concern into files and functions a reader can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

import orchestration.news_text

PACKAGE = Path(orchestration.news_text.__file__).parent
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
# What a pure text layer may import besides itself: the standard library and the gazetteer.
ALLOWED_THIRD_PARTY = {"pycountry"}


def _modules() -> list[Path]:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 9, modules
    return modules


def _imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module)
    return roots


def test_the_text_layer_imports_nothing_but_itself_the_standard_library_and_pycountry():
    import sys

    for module in _modules():
        for name in _imported_roots(ast.parse(module.read_text(encoding="utf-8"))):
            root = name.split(".")[0]
            inside = name.startswith("orchestration.news_text")
            known = root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY
            assert inside or known or root == "__future__", f"{module.name} imports {name}"


def test_no_text_layer_file_or_function_is_too_long_to_read():
    for module in _modules():
        source = module.read_text(encoding="utf-8")
        assert source.count("\n") <= MAX_FILE_LINES, f"{module.name}: split it by concern"
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= MAX_FUNCTION_LINES, f"{module.name}:{node.name} has {length} lines"


def test_the_old_import_path_still_serves_the_same_functions():
    from orchestration.news import extract
    from orchestration.news_text import extract_claims, publication_date_from

    assert extract.extract_claims is extract_claims
    assert extract.publication_date_from is publication_date_from
