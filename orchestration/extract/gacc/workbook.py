"""Opening Excel workbooks for the readers, whatever their layout.

Two kinds of workbook reach the landing folder (query-platform downloads, query_xlsx.py, and
the English preliminary table, preliminary_xlsx.py). Both are ZIP archives whose first bytes
cannot tell them apart: each kind recognizes "an xlsx" here and settles the layout in its
`confirms`, on the first rows of the first sheet (head_rows).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from orchestration.extract.contract import UnreadableFile

ZIP_SIGNATURE = b"PK\x03\x04"
# What a truncated or corrupted workbook raises once its sheet is being read.
_DAMAGED_PART = (zipfile.BadZipFile, ElementTree.ParseError, EOFError, zlib.error)


def looks_like_xlsx(head: bytes) -> bool:
    """A ZIP whose first member names mention xl/: an Office Open XML workbook.

    Word and PowerPoint files are ZIPs too, but keep their parts under word/ and ppt/.
    """
    return head.startswith(ZIP_SIGNATURE) and b"xl/" in head


@contextmanager
def open_workbook(path: Path, *, read_only: bool) -> Iterator[Any]:
    """The workbook with cached formula results, closed afterwards (read-only mode keeps the
    file open until then); any failure to open it is a whole-file error.

    openpyxl is handed an open file, not the path: given a path it refuses names that do not
    end in .xlsx, and landed files are recognized by content, whatever their name.
    """
    from openpyxl import load_workbook  # imported here: only Excel files pay for it

    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=read_only, data_only=True)
        except Exception as error:  # zipfile, XML and openpyxl's own errors alike
            raise UnreadableFile(
                f"not a readable Excel workbook ({type(error).__name__}: {error})"
            ) from None
        try:
            yield workbook
        except _DAMAGED_PART as error:  # read-only sheets are parsed lazily, while iterating
            raise UnreadableFile(
                f"damaged Excel workbook ({type(error).__name__}: {error})"
            ) from None
        finally:
            workbook.close()


def first_sheet(workbook: Any) -> Any:
    """The first sheet in tab order; the active sheet is wherever the user last clicked."""
    if not workbook.worksheets:
        raise UnreadableFile("the workbook has no worksheet")
    return workbook.worksheets[0]


def sheet_rows(sheet: Any, limit: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cell values) from row 1; blank rows are yielded too, so the numbers
    stay those the user sees in Excel."""
    rows = sheet.iter_rows(min_row=1, min_col=1, max_row=limit, values_only=True)
    for row_number, values in enumerate(rows, start=1):
        yield row_number, list(values)


def head_rows(path: Path, limit: int) -> list[list[Any]]:
    """The first rows of the first sheet, for telling layouts apart without reading it all."""
    with open_workbook(path, read_only=True) as workbook:
        sheet = first_sheet(workbook)
        sheet.reset_dimensions()  # some writers record a wrong used range
        return [values for _, values in sheet_rows(sheet, limit)]
