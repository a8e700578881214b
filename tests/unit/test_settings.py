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
