"""What every reader of a landed file promises, whatever the source format.

A reader turns one file into good rows and rejected rows and never drops either: the
landing step stores good rows in raw.* and rejected rows in quarantine.rejected_rows, so a
user can always account for every line of a file they dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RowReject:
    row_number: int  # line of the file where the record ends (the header is line 1)
    field: str
    reason: str
    raw_text: str


@dataclass
class ParsedExtract:
    rows: list[dict[str, Any]] = field(default_factory=list)  # each has "_row_number"
    rejects: list[RowReject] = field(default_factory=list)


@dataclass(frozen=True)
class Provenance:
    """Where landed rows came from; every raw row carries these (plus its line number)."""

    source_file: str  # relative to the landing folder
    content_hash: str  # SHA-256 of the file's bytes
    loaded_at: dt.datetime


@dataclass(frozen=True)
class BulkBatch:
    """What a kind's bulk loader makes of a batch of files (see FileKind.bulk_loader)."""

    # The files it vouches for (every line good), with their line counts.
    line_counts: dict[Path, int]
    # Inserts every line of the given files (all vouched for) into the raw table, each with
    # its provenance; the caller owns the transaction.
    insert: Callable[[str, Sequence[tuple[Path, Provenance]]], None]


class UnreadableFile(Exception):
    """The file as a whole cannot be read (encoding, layout); it goes to rejected_files."""


@dataclass(frozen=True)
class FileKind:
    """A kind of extract: how to recognize it by content and where its rows land."""

    name: str
    raw_table: str  # schema-qualified, e.g. raw.published_figures
    columns_ddl: str  # the kind's own columns; landing adds the provenance columns
    recognizes: Callable[[bytes], bool]  # decides on the first bytes of the file
    read: Callable[[Path], ParsedExtract]
    description: str = ""
    # Optional second look at the whole file, for formats the first bytes cannot tell apart
    # (two kinds of .xlsx workbook are both ZIP archives).
    confirms: Callable[[Path], bool] | None = None
    # Optional fast path for big, clean files: a context manager that checks a batch of files
    # and yields a BulkBatch; files it does not vouch for are read line by line by `read`.
    # It may be stricter than `read`, never looser (see extract/gacc/query_bulk.py).
    bulk_loader: Callable[[Any, Sequence[Path]], Any] | None = None
