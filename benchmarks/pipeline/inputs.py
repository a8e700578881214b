"""The GENERATED input (orchestration/bench/synth.py; NOT real customs data), kept in
data/bench/input/ and reused while rows, months, seed, start month and the generator's source
are unchanged."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks.pipeline.runs import BENCH_DIR
from orchestration.bench import synth, synth_names

INPUT_DIR = BENCH_DIR / "input"
NEXT_MONTH_DIR = BENCH_DIR / "input-next-month"
PARAMS_FILE = ".bench_params.json"  # hidden: the landing step skips dot-files
TRANSCODE_CHUNK = 4 << 20


@dataclass(frozen=True)
class Inputs:
    directory: Path
    files: list[Path]
    next_month_file: Path
    next_month_rows: int


def _generator_digest() -> str:
    """The generator's source, so a changed generator writes its input again."""
    digest = hashlib.sha256()
    for module in (synth, synth_names):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def _reusable(directory: Path, params: dict[str, object]) -> list[Path] | None:
    try:
        recorded = json.loads((directory / PARAMS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if recorded.get("params") != params:
        return None
    files = [directory / name for name in recorded["files"]]
    sizes = recorded["sizes"]
    if all(f.exists() and f.stat().st_size == size for f, size in zip(files, sizes, strict=True)):
        return files
    return None


def _clear_generated(directory: Path) -> None:
    """Remove what an earlier generation wrote there, and nothing else."""
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        generated = path.name.startswith(synth.FILE_PREFIX) or path.name.startswith(
            f".{synth.FILE_PREFIX}"
        )
        if generated or path.name in (synth.README_NAME, PARAMS_FILE):
            path.unlink()


def generate(
    directory: Path, rows: int, months: int, seed: int, start_month: str
) -> tuple[list[Path], bool]:
    """The generated files for these parameters, reusing an earlier identical generation."""
    params = {
        "rows": rows,
        "months": months,
        "seed": seed,
        "start_month": start_month,
        "generator_sha256": _generator_digest(),
    }
    files = _reusable(directory, params)
    if files is not None:
        return files, True
    _clear_generated(directory)
    files = synth.write_synthetic_gacc(rows, months, directory, seed, start_month)
    record = {
        "params": params,
        "files": [f.name for f in files],
        "sizes": [f.stat().st_size for f in files],
    }
    (directory / PARAMS_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
    return files, False


def default_start_month(months: int) -> str:
    """2016-01, unless the history and the one extra month would then reach past last month
    (the reader quarantines future periods): then the history ends two months ago."""
    last_allowed = synth.add_months(dt.date.today().replace(day=1), -1)
    start = synth.parse_start_month(synth.DEFAULT_START_MONTH)
    if synth.add_months(start, months) > last_allowed:
        start = synth.add_months(last_allowed, -months)
    return f"{start:%Y-%m}"


def link_or_copy(files: list[Path], target: Path) -> None:
    """Put the generated files in a run's landing folder without copying gigabytes."""
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        destination = target / path.name
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)


def transcode(source: Path, target: Path) -> str:
    """GBK (as GB18030, like the reader) to UTF-8 in chunks; the SHA-256 of the source bytes.

    The incremental decoder keeps a multi-byte character split across two chunks.
    """
    decoder = codecs.getincrementaldecoder("gb18030")()
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while block := reader.read(TRANSCODE_CHUNK):
            digest.update(block)
            writer.write(decoder.decode(block).encode("utf-8"))
        writer.write(decoder.decode(b"", final=True).encode("utf-8"))
    return digest.hexdigest()


def utf8_copies(files: list[Path], work: Path) -> list[Path]:
    """Plain UTF-8 copies (no line numbers) for read_csv, made with iconv where there is one
    (set-up, not timed)."""
    directory = work / "plain-utf8"
    directory.mkdir(parents=True, exist_ok=True)
    iconv = shutil.which("iconv")
    for source in files:
        target = directory / source.name
        if iconv:
            subprocess.run(
                [iconv, "-f", "GB18030", "-t", "UTF-8", "-o", str(target), str(source)],
                check=True,
            )
        else:
            transcode(source, target)
    return [directory / source.name for source in files]
