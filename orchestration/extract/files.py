"""Finding and fingerprinting files in the landing folder."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

# Files users keep beside their data (notes, licences) are not extracts.
IGNORED_NAMES = {"README.md", "README.txt", "LICENSE", ".gitkeep"}
HEAD_BYTES = 8192


def iter_landing_files(root: Path) -> Iterator[Path]:
    """Every regular file under root, in a stable order, skipping hidden and documentation files.

    Symlinks are not followed out of the landing folder: a link pointing elsewhere is skipped,
    so a crafted name cannot make the pipeline read files it was not given.
    """
    if not root.is_dir():
        return
    root_resolved = root.resolve()
    for path in sorted(root.rglob("*")):
        relative_parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative_parts):
            continue
        if path.name in IGNORED_NAMES or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root_resolved):
            continue
        yield path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)
