"""search_gigs as a visitor calls it: only published gigs, filters that hold, every sort
in order, and keyset pages that walk the whole result exactly once."""

from __future__ import annotations

import base64
import json

import psycopg
import pytest

from worker import errors
from worker.db import PostgresDatabase

SORT_KEYS = {
    "price_low": lambda row: (row["starting_price_cents"], row["gig_id"]),
    "price_high": lambda row: (-row["starting_price_cents"], _negated(row["gig_id"])),
    "rating": lambda row: (-row["rating_avg"], _negated(row["gig_id"])),
    "newest": lambda row: (_negated(row["published_at"]), _negated(row["gig_id"])),
}


def _negated(text: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in text)


def search(db: PostgresDatabase, **arguments: object) -> list[dict]:
    """As anon, the way PostgREST would run the RPC."""
    return db.rpc("search_gigs", arguments)


@pytest.fixture
def db(db_url: str) -> PostgresDatabase:
    database = PostgresDatabase(db_url, max_size=2)
    yield database
    database.close()


def walk(db: PostgresDatabase, page_size: int, **arguments: object) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        page = search(db, page_size=page_size, after_cursor=cursor, **arguments)
        seen += [row["gig_id"] for row in page]
        if len(page) < page_size:
            return seen
        cursor = page[-1]["next_cursor"]
    raise AssertionError("pagination did not end")


def test_only_published_gigs_are_found(db: PostgresDatabase, conn: psycopg.Connection) -> None:
    published = {
        str(row[0]) for row in conn.execute("select id from public.gigs where status = 'published'")
    }
    found = set(walk(db, 50, sort="newest"))
    assert found == published


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
def test_every_sort_is_in_order(db: PostgresDatabase, sort: str) -> None:
    rows = search(db, sort=sort, page_size=50)
    assert rows == sorted(rows, key=SORT_KEYS[sort])


@pytest.mark.parametrize("sort", ["relevance", *sorted(SORT_KEYS)])
def test_keyset_pages_walk_every_result_once(db: PostgresDatabase, sort: str) -> None:
    query = "logo" if sort == "relevance" else None
    everything = [row["gig_id"] for row in search(db, search_query=query, sort=sort, page_size=50)]
    assert walk(db, 2, search_query=query, sort=sort) == everything


def test_filters_hold(db: PostgresDatabase) -> None:
    rows = search(
        db,
        max_price_cents=10000,
        min_price_cents=2000,
        max_delivery_days=3,
        min_rating=4.5,
        page_size=50,
    )
    assert rows
    for row in rows:
        assert 2000 <= row["starting_price_cents"] <= 10000
        assert row["fastest_delivery_days"] <= 3
        assert row["rating_avg"] >= 4.5


def test_a_parent_category_includes_its_subcategories(db: PostgresDatabase) -> None:
    slugs = {row["category_slug"] for row in search(db, category="graphics-design", page_size=50)}
    assert slugs
    assert "graphics-design" not in slugs or len(slugs) > 1


def test_web_search_syntax_excludes_words(db: PostgresDatabase) -> None:
    with_word = search(db, search_query="wordpress", page_size=50)
    without = search(db, search_query="wordpress -woocommerce", page_size=50)
    assert len(without) < len(with_word)
    assert all("woocommerce" not in row["title"].lower() for row in without)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 51}, "page_size"),
        ({"after_cursor": "not-a-cursor"}, "cursor"),
        ({"min_price_cents": 500, "max_price_cents": 100}, "price"),
        ({"min_rating": 6}, "min_rating"),
        ({"search_query": "x" * 201}, "200"),
        ({"search_query": "-logo"}, "a word to look for"),
        ({"search_query": "logo or -wordpress"}, "a word to look for"),
        ({"search_query": "-" * 33 + "logo"}, "too many operators in a row"),
        ({"search_query": "logo " + "- " * 40}, "too many operators in a row"),
        ({"sort": "popularity"}, "gig_sort"),
    ],
)
def test_bad_input_gets_a_clear_error(db: PostgresDatabase, arguments: dict, message: str) -> None:
    with pytest.raises(errors.InvalidInput, match=message):
        search(db, **arguments)


def test_a_cursor_naming_no_sort_is_not_a_valid_cursor(db: PostgresDatabase) -> None:
    cursor = search(db, page_size=1)[0]["next_cursor"]
    fields = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    del fields["s"]
    forged = base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")
    with pytest.raises(errors.InvalidInput, match="not a valid cursor"):
        search(db, after_cursor=forged)


def test_a_cursor_only_continues_its_own_sort(db: PostgresDatabase) -> None:
    cursor = search(db, sort="price_low", page_size=1)[0]["next_cursor"]
    with pytest.raises(errors.InvalidInput, match="sort price_low"):
        search(db, sort="rating", after_cursor=cursor)


def test_an_unknown_category_is_not_found(db: PostgresDatabase) -> None:
    with pytest.raises(errors.NotFound, match="no-such-category"):
        search(db, category="no-such-category")
