"""One real pipeline run (Dagster materialization of every asset, dbt build, GE suites,
publish) on a temp copy of the embedded default plus test-only GACC files, shared by the
integration tests that only read its results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from dagster import DagsterInstance, ExecuteInProcessResult

from tests.conftest import PipelinePaths, copy_embedded_default, point_settings_at
from tests.fixtures.gacc_files import (
    BROKEN_FULL_ROWS,
    CLEAN_FULL_ROWS,
    CLEAN_SHORT_ROWS,
    FULL_HEADER,
    SHORT_HEADER,
    write_gacc_file,
)


@dataclass
class PipelineRun:
    paths: PipelinePaths
    result: ExecuteInProcessResult


def run_refresh_all() -> ExecuteInProcessResult:
    from orchestration.definitions import defs

    return defs.resolve_job_def("refresh_all").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )


SHARED_NEWS_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "news"


def stage_test_landing(landing: Path) -> None:
    """Embedded default + GACC exports written for the tests + the shared news corpus (real
    articles, read in place of a user's downloads) + one file nobody recognizes."""
    copy_embedded_default(landing)
    if SHARED_NEWS_CORPUS.is_dir():
        for article in SHARED_NEWS_CORPUS.glob("*.txt"):
            (landing / "news" / "corpus").mkdir(parents=True, exist_ok=True)
            (landing / "news" / "corpus" / article.name).write_bytes(article.read_bytes())
    write_gacc_file(landing / "gacc" / "magnets_2024_03.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    write_gacc_file(landing / "gacc" / "cerium_2024_03.csv", SHORT_HEADER, CLEAN_SHORT_ROWS)
    write_gacc_file(landing / "gacc" / "broken_2024_03.csv", FULL_HEADER, BROKEN_FULL_ROWS)
    (landing / "notes" / "todo.txt").parent.mkdir(parents=True, exist_ok=True)
    (landing / "notes" / "todo.txt").write_text("not an extract\n")


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("pipeline")
    with pytest.MonkeyPatch.context() as monkeypatch:
        paths = point_settings_at(monkeypatch, root)
        stage_test_landing(paths.landing)
        result = run_refresh_all()
        yield PipelineRun(paths=paths, result=result)
