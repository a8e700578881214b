"""Charts an earlier run drew, used again while nothing they show has changed.

Drawing is what the charts asset spends its time on (matplotlib lays out and rasterises
every glyph: about 0.3 s of CPU a chart), and most runs would draw the same pictures again: a
run on files already landed, or a new month that leaves most series as they were. A chart is
a function of its ChartSpec (every figure, event and text it shows) and of the code and
libraries that draw it, so each drawn Chart is stored under a hash of both and is used again
only while both are the same. Anything the store cannot give back whole is drawn again.

The store is a hidden folder beside the PNGs (REE_REPORTS_DIR/.drawn-charts), written only by
the pipeline; it keeps the charts of the latest run and nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import pickle
from pathlib import Path

from orchestration.reports.model import Chart, ChartSpec

FOLDER_NAME = ".drawn-charts"
# What a picture depends on besides its spec: a change to any of these draws every chart again.
DRAWING_MODULES = ("drawing.py", "period_bars.py", "events.py", "model.py")
DRAWING_LIBRARIES = ("matplotlib", "pillow", "numpy")
REPORTS_CODE = Path(__file__).parent


def code_digest(code_folder: Path, modules: tuple[str, ...], libraries: tuple[str, ...]):
    """A sha256 fed with the installed versions of `libraries` and the source of `modules`
    in `code_folder`: what a stored output depends on besides its data."""
    digest = hashlib.sha256()
    for library in libraries:
        digest.update(f"{library}=={importlib.metadata.version(library)}\n".encode())
    for module in modules:
        digest.update((code_folder / module).read_bytes())
    return digest


@functools.cache
def drawing_version(code_folder: Path = REPORTS_CODE) -> str:
    """A hash of the drawing code in `code_folder` and of the libraries' versions."""
    return code_digest(code_folder, DRAWING_MODULES, DRAWING_LIBRARIES).hexdigest()


def chart_key(spec: ChartSpec, version: str) -> str:
    """The spec's dataclass repr names every field, with floats written exactly."""
    return hashlib.sha256(f"{version}\n{spec!r}".encode()).hexdigest()[:40]


class DrawnCharts:
    """The store in `folder`; counts what it gave back (`reused`) and what it took (`drawn`)."""

    def __init__(self, folder: Path, version: str | None = None):
        self.folder = folder
        self.version = version or drawing_version()
        self.reused = 0
        self.drawn = 0
        self._used: set[str] = set()

    def _path(self, spec: ChartSpec) -> Path:
        """Where the spec's chart is stored; the key counts as used by this run."""
        key = chart_key(spec, self.version)
        self._used.add(key)
        return self.folder / f"{key}.pickle"

    def get(self, spec: ChartSpec) -> Chart | None:
        try:
            chart = pickle.loads(self._path(spec).read_bytes())
        except Exception:  # absent, cut short or not ours: the chart is simply drawn again
            return None
        if not isinstance(chart, Chart) or chart.name != spec.name or not chart.png:
            return None
        self.reused += 1
        return chart

    def put(self, spec: ChartSpec, chart: Chart) -> None:
        """Written under a temporary name and moved into place, so a killed run leaves either
        the whole chart or none."""
        path = self._path(spec)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(pickle.dumps(chart, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
        self.drawn += 1

    def keep_only_used(self) -> None:
        """Drop every stored chart this run did not ask for (and any temporary file)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix != ".pickle" or path.stem not in self._used:
                path.unlink(missing_ok=True)
