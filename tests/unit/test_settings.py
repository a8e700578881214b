import pytest

from orchestration import settings


def test_defaults_live_under_the_project_data_folder(monkeypatch):
    for name in settings.DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    assert settings.warehouse_path() == settings.PROJECT_ROOT / "data" / "warehouse.duckdb"
    assert settings.landing_dir() == settings.PROJECT_ROOT / "data" / "landing"
    assert settings.publish_dir() == settings.PROJECT_ROOT / "data" / "published"
    assert settings.reports_dir() == settings.PROJECT_ROOT / "data" / "reports"


def test_environment_variables_override_every_path(monkeypatch, tmp_path):
    monkeypatch.setenv("REE_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("REE_LANDING_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("REE_PUBLISH_DIR", "relative/out")
    monkeypatch.setenv("REE_REPORTS_DIR", str(tmp_path / "charts"))
    assert settings.warehouse_path() == tmp_path / "w.duckdb"
    assert settings.landing_dir() == tmp_path / "in"
    assert settings.publish_dir() == settings.PROJECT_ROOT / "relative" / "out"
    assert settings.report_html_path() == tmp_path / "charts" / settings.REPORT_HTML_NAME
    assert settings.dbt_env()["REE_WAREHOUSE"] == str(tmp_path / "w.duckdb")


def test_warehouse_connections_and_dbt_share_one_duckdb_memory_limit(tmp_path, monkeypatch):
    import duckdb

    from orchestration.resources import Warehouse

    monkeypatch.setenv("REE_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("REE_DUCKDB_MEMORY_LIMIT", "300MB")
    with Warehouse().connect() as conn:
        applied = conn.execute("select current_setting('memory_limit')").fetchone()[0]
    default = duckdb.connect().execute("select current_setting('memory_limit')").fetchone()[0]
    expected = (
        duckdb.connect(config={"memory_limit": "300MB"})
        .execute("select current_setting('memory_limit')")
        .fetchone()[0]
    )
    assert applied == expected != default
    assert settings.dbt_env()["REE_DUCKDB_MEMORY_LIMIT"] == "300MB"


def test_the_dbt_log_file_keeps_info_unless_told_and_refuses_an_unknown_level(monkeypatch):
    from orchestration.transform.assets import dbt_build_args

    monkeypatch.delenv("REE_DBT_FILE_LOG_LEVEL", raising=False)
    assert dbt_build_args() == ["build", "--log-level-file", "info"]
    monkeypatch.setenv("REE_DBT_FILE_LOG_LEVEL", "debug")
    assert dbt_build_args() == ["build", "--log-level-file", "debug"]
    monkeypatch.setenv("REE_DBT_FILE_LOG_LEVEL", "verbose")
    with pytest.raises(ValueError, match="REE_DBT_FILE_LOG_LEVEL='verbose'"):
        dbt_build_args()
