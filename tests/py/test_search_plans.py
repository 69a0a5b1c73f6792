"""search_gigs must stay on its indexes at any size, as anon calls it. These tests load
30,000 synthetic gigs, let auto_explain print the plan of the query search_gigs builds
inside itself over private.gig_search, and check which index serves each kind of search
(`make bench` measures the speed)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.py.conftest import create_database, drop_database
from worker import dbbuild
from worker.localpg import PG_BIN, LocalCluster

CATALOG_DATA = dbbuild.REPO / "bench" / "catalog_data.sql"


@pytest.fixture(scope="module")
def large_catalog_url(cluster: LocalCluster, template_db: str) -> Iterator[str]:
    name = f"plans_{uuid.uuid4().hex[:8]}"
    create_database(cluster, name, template_db)
    admin_url = cluster.url("supabase_admin", name)
    subprocess.run(
        [
            str(PG_BIN / "psql"),
            admin_url,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-v",
            "gigs=30000",
            "-f",
            str(CATALOG_DATA),
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield admin_url
    finally:
        drop_database(cluster, name)


def search_plan(url: str, call: str) -> str:
    """The plan of the query search_gigs runs, as anon would call it."""
    notices: list[str] = []
    with psycopg.connect(url) as conn:
        conn.add_notice_handler(lambda diagnostic: notices.append(diagnostic.message_primary or ""))
        conn.execute("load 'auto_explain'")
        conn.execute("set auto_explain.log_min_duration = 0")
        conn.execute("set auto_explain.log_nested_statements = on")
        conn.execute("set auto_explain.log_level = notice")
        conn.execute("set local role anon")
        conn.execute(f"select * from public.search_gigs({call})").fetchall()
    inner = [notice for notice in notices if "private.gig_search as s" in notice]
    assert inner, f"auto_explain printed no plan for the inner query: {notices}"
    return inner[0]


def test_a_rare_term_is_found_through_the_gin_index(large_catalog_url: str) -> None:
    plan = search_plan(large_catalog_url, "search_query => 'zq1a2'")
    assert "gig_search_vector_idx" in plan


def test_a_common_term_never_scans_the_whole_table(large_catalog_url: str) -> None:
    plan = search_plan(large_catalog_url, "search_query => 'professional'")
    assert "Seq Scan on gig_search" not in plan


def test_browsing_by_price_walks_the_price_index(large_catalog_url: str) -> None:
    plan = search_plan(large_catalog_url, "sort => 'price_low'")
    assert "gig_search_price_idx" in plan


def test_a_deep_keyset_page_starts_inside_the_index(large_catalog_url: str) -> None:
    with psycopg.connect(large_catalog_url) as conn:
        cursor = conn.execute(
            "select next_cursor from public.search_gigs(sort => 'newest', page_size => 50)"
            " offset 49"
        ).fetchone()[0]
    plan = search_plan(large_catalog_url, f"sort => 'newest', after_cursor => '{cursor}'")
    assert "gig_search_newest_idx" in plan
    assert "Index Cond: (ROW(published_at, gig_id) <" in plan


def test_a_category_filter_uses_an_index(large_catalog_url: str) -> None:
    plan = search_plan(large_catalog_url, "category => 'bench-top-3', sort => 'rating'")
    assert "Seq Scan on gig_search" not in plan


def test_a_common_term_under_a_price_cap_checks_the_cap_inside_the_quality_index(
    large_catalog_url: str,
) -> None:
    plan = search_plan(large_catalog_url, "search_query => 'professional', max_price_cents => 5000")
    assert "gig_search_quality_idx" in plan
    assert "Index Cond: (starting_price_cents <=" in plan
