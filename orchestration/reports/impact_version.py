"""Whether the policy-impact report on disk is the one the marts would give now.

The report is a function of the marts it reads and of the code and libraries that write it;
a run on files already landed, or one that changes none of those marts, would write the same
page again (about 2 s of CPU, most of it importing plotly and serialising its figures). So the
page is written with a hash of both beside it (a hidden file), and left as it is while the
hash is the same. Its "Generated" line then tells when those figures were first written.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from orchestration.reports.drawn_charts import REPORTS_CODE, code_digest
from orchestration.reports.interactive_data import ImpactInputs
from orchestration.reports.page import _write_atomically

# What the page depends on besides the marts: a change to any of these writes it again.
WRITING_MODULES = (
    "interactive.py",
    "interactive_data.py",
    "interactive_page.py",
    "page.py",
    "events.py",
    "model.py",
    "data.py",
)
WRITING_LIBRARIES = ("plotly", "pandas")


def impact_report_version(inputs: ImpactInputs, code_folder: Path = REPORTS_CODE) -> str:
    """A hash of every frame the report reads (columns, types, values) and of its code."""
    digest = code_digest(code_folder, WRITING_MODULES, WRITING_LIBRARIES)
    for field in fields(inputs):
        frame = getattr(inputs, field.name)
        digest.update(f"{field.name}\n{frame.dtypes.to_dict()!r}\n".encode())
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()


def version_file(report: Path) -> Path:
    return report.with_name(f".{report.name}.version")


def is_current(report: Path, version: str) -> bool:
    try:
        return report.is_file() and version_file(report).read_text() == version
    except OSError:  # no version written yet (or unreadable): write the page
        return False


def record_version(report: Path, version: str) -> None:
    """After the page is in place, and renamed in like it, so a run killed between the two
    leaves the old version beside the new page and the next run writes the page again."""
    _write_atomically(version_file(report), version.encode())
