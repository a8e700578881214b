"""The import graph of a package, read with ast (nothing is imported), and the rules it breaks.

Used by tests/unit/test_layout.py on orchestration/ and, to show the rules catch what they
should, on tiny packages written to a temp folder. An import counts wherever it is written
(inside a function too): a lazy import still ties the modules together, it only hides it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported module, dotted (the deepest module of the package it names)
    line: int


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted name -> file of every module of the package under root (root/package/...)."""
    names = {}
    for path in sorted(root.joinpath(*package.split(".")).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(name: str, known: Mapping[str, Path]) -> str | None:
    """The longest known module that `name` is or lies in (`a.b.C` -> `a.b`)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(root: Path, package: str) -> list[Import]:
    """Every import of a module of the package by a module of the package."""
    known = module_names(root, package)
    found = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, is_package, node)
                # `from a import b` may name the module a.b or a name defined in a.
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                target = _resolve(name, known)
                if target is not None and target != module:
                    found.append(Import(module, target, node.lineno))
    return found


def external_imports(root: Path, package: str, top_level: str) -> list[Import]:
    """Imports of another top-level package (e.g. dagster) by modules of the package."""
    found = []
    for module, path in module_names(root, package).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name == top_level or name.startswith(top_level + "."):
                    found.append(Import(module, name, node.lineno))
    return found


def cycles(edges: Iterable[Import]) -> list[list[str]]:
    """Module circles, each as the modules along it (strongly connected components of more
    than one module, found with Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str, layers: Sequence[Sequence[str]]) -> int | None:
    """The layer whose longest prefix names the module (a prefix is a module or a package)."""
    best: tuple[int, int] | None = None
    for number, prefixes in enumerate(layers):
        for prefix in prefixes:
            named = module == prefix or module.startswith(prefix + ".")
            if named and (best is None or len(prefix) > best[1]):
                best = (number, len(prefix))
    return best[0] if best else None


def upward_imports(edges: Iterable[Import], layers: Sequence[Sequence[str]]) -> list[str]:
    """Imports from a module to one of a later layer (the flow runs from layer 0 up), and
    modules that no layer names."""
    problems = []
    for edge in edges:
        source, target = layer_of(edge.source, layers), layer_of(edge.target, layers)
        if source is None or target is None:
            unplaced = edge.source if source is None else edge.target
            problems.append(f"{unplaced} is in no layer")
        elif target > source:
            problems.append(
                f"{edge.source} (layer {source}) imports {edge.target} (layer {target}) "
                f"at line {edge.line}"
            )
    return sorted(set(problems))
