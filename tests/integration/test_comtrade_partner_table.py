"""The embedded Comtrade table of China's exports by partner reaches fct_monthly_exports.

Real parts on a temp warehouse: Dagster materializes the raw landing assets on a landing
folder holding that table (and a one-line table naming a partner nobody knows), then dbt
builds the fact and everything upstream of it, with their tests (a failing error-level test
fails the build)."""

from __future__ import annotations

import shutil
import subprocess

import duckdb
import pytest
from dagster import materialize

from orchestration import settings
from orchestration.landing.assets import LANDING_ASSETS
from orchestration.resources import Warehouse
from orchestration.transform.project import dbt_command
from tests.conftest import EMBEDDED_LANDING

pytestmark = pytest.mark.slow
TABLE = EMBEDDED_LANDING / "comtrade" / "qennis_deep_dive_hs6_monthly_2017-2024.csv"
RELEASE = (
    "https://github.com/qennis/ChinaCriticalMineralComtrade/blob/"
    "b722e75272c9d44837b3cd304d1a336f50624773/data_output/tables/deep_dive_hs6_monthly.csv; "
    "UN Comtrade, reporter 156, flow X"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("comtrade_table")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("REE_WAREHOUSE", str(root / "warehouse.duckdb"))
        monkeypatch.setenv("REE_LANDING_DIR", str(root / "landing"))
        (root / "landing" / "comtrade").mkdir(parents=True)
        shutil.copy(TABLE, root / "landing" / "comtrade" / TABLE.name)
        # Test data, invented: a partner name with no ISO code, in a month the table lacks.
        (root / "landing" / "comtrade" / "unknown_partner.csv").write_text(
            "period_dt,partner_name,hs6,val,qty,uv\n2025-01-01,Atlantis,380110,100.0,50.0,2.0\n"
        )
        landed = materialize(LANDING_ASSETS, resources={"warehouse": Warehouse()})
        assert landed.success
        built = subprocess.run(
            # cautious: a test runs only when all it reads is built (the route seed's test also
            # reads reported_series, an ancestor of the fact, but its seed is not built here)
            dbt_command(
                "build",
                "--select",
                "+fct_monthly_exports",
                "--indirect-selection",
                "cautious",
                "--target-path",
                str(root / "target"),
            ),
            env={**settings.dbt_env(), "REE_WAREHOUSE": str(root / "warehouse.duckdb")},
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, built.stdout[-3000:]
    conn = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield conn, built.stdout
    conn.close()


def test_a_graphite_partner_month_reaches_the_fact_from_comtrade_with_its_release(built):
    fact, _ = built
    # From the CSV: 2023-12-01,USA,380110,19410440.0,6209670.0,3.1258408256799477
    row = fact.execute(
        "select quantity_t, value_usd, unit_value_usd_per_kg, product_group, partner_name, "
        "source, source_ref from marts.fct_monthly_exports "
        "where period_month = '2023-12-01' and product_code = '380110' and partner_iso3 = 'USA'"
    ).fetchone()
    assert row[:2] == (pytest.approx(6209.67), 19410440.0)
    assert row[2] == pytest.approx(3.1258, abs=1e-4)
    assert row[3:] == ("graphite", "United States", "comtrade", RELEASE)


def test_graphite_has_monthly_partner_series_from_2017_to_2024(built):
    fact, _ = built
    months, first, last, partners = fact.execute(
        "select count(distinct period_month), min(period_month), max(period_month), "
        "count(distinct partner_iso3) from marts.fct_monthly_exports "
        "where product_group = 'graphite' and source = 'comtrade'"
    ).fetchone()
    assert (months, str(first), str(last)) == (96, "2017-01-01", "2024-12-01")
    assert partners == 39


def test_a_month_with_no_weight_reported_is_not_in_the_fact_as_zero_tonnes(built):
    fact, _ = built
    # 2022-06-01,Mexico,250410,17010.0,0.0,inf: a value and no weight.
    staged = fact.execute(
        "select quantity_t, weight_note, fob_value_usd from staging.stg_comtrade__records "
        "where period_month = '2022-06-01' and partner_iso3 = 'MEX' and product_code = '250410'"
    ).fetchall()
    assert staged == [(None, "no weight reported", 17010.0)]
    in_fact = fact.execute(
        "select count(*) from marts.fct_monthly_exports "
        "where period_month = '2022-06-01' and partner_iso3 = 'MEX' and product_code = '250410'"
    ).fetchone()
    assert in_fact == (0,)


def test_the_8112_92_basket_is_in_no_group_series(built):
    fact, _ = built
    name, in_group_series = fact.execute(
        "select product_name, in_group_series from marts.dim_product where product_code = '811292'"
    ).fetchone()
    assert in_group_series is False
    assert "basket of seven metals" in name and "not a gallium" in name


def test_a_partner_nobody_could_place_is_reported_and_kept_out_of_the_fact(built):
    fact, log = built
    staged = fact.execute(
        "select partner_iso3, quantity_t from staging.stg_comtrade__records "
        "where partner_name = 'Atlantis'"
    ).fetchall()
    assert staged == [(None, 0.05)]
    assert "Warning in test not_null_stg_comtrade__records_partner_iso3" in log
    in_fact = fact.execute(
        "select count(*) from marts.fct_monthly_exports where period_month = '2025-01-01'"
    ).fetchone()
    assert in_fact == (0,)
