"""The gig page and search results as a frontend sees them, through the API roles the way
PostgREST runs a request (role and JWT claims set in the transaction): a visitor gets a
published gig's whole page in one call, finds it by its slug, and sees nothing of a gig
that is not published; search rows carry what a result card shows; a title match ranks
above a better-rated gig that only mentions the word."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

MARA = "00000000-0000-4000-8000-000000000011"
ADMIN = "00000000-0000-4000-8000-000000000001"
LOGO_GIG_TITLE = "I will design a clean, minimalist logo for your startup or small business"


def slug_of(title: str) -> str:
    """The slug rule as the API reference states it: lowercase ASCII words joined by '-',
    cut at a word boundary to at most 60 characters."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if len(words) <= 60:
        return words
    return words[:61].rsplit("-", 1)[0] if words[60] != "-" else words[:60]


def as_role(
    url: str, sql: str, params: Any = None, *, user: str | None = None, admin: bool = False
):
    """Run `sql` as anon, or as the signed-in `user`, in one transaction; the rows."""
    claims: dict[str, Any] = {"role": "anon"}
    role = "anon"
    if user:
        role = "authenticated"
        claims = {
            "sub": user,
            "role": role,
            "app_metadata": {"user_role": "admin"} if admin else {},
        }
    with psycopg.connect(url, row_factory=dict_row) as conn, conn.transaction():
        conn.execute(
            "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
            (role, json.dumps(claims)),
        )
        return conn.execute(sql, params).fetchall()


def test_a_visitor_gets_a_published_gig_page_by_its_slug(db_url: str) -> None:
    page = as_role(db_url, "select public.get_gig(slug => %s) as page", (slug_of(LOGO_GIG_TITLE),))[
        0
    ]["page"]
    assert page["gig"]["title"] == LOGO_GIG_TITLE
    assert page["gig"]["status"] == "published"
    assert [package["tier"] for package in page["packages"]] == ["basic", "standard", "premium"]
    assert page["seller"]["username"] == "mara_designs"
    assert page["seller"]["verified"] is True
    assert set(page["seller"]) == {
        "seller_id", "username", "display_name", "avatar_url", "bio", "languages", "country",
        "member_since", "headline", "verified", "rating_avg", "rating_count", "completed_orders",
        "suspended",  # the operators' tools: a suspended seller's page says so
    }  # fmt: skip
    assert page["reviews"] == []
    assert {"extras", "requirements", "faqs", "media", "category"} <= set(page)


def test_the_same_page_by_id(db_url: str) -> None:
    by_slug = as_role(
        db_url, "select public.get_gig(slug => %s) as page", (slug_of(LOGO_GIG_TITLE),)
    )
    gig_id = by_slug[0]["page"]["gig"]["id"]
    by_id = as_role(db_url, "select public.get_gig(gig_id => %s) as page", (gig_id,))
    assert by_id == by_slug


@pytest.mark.parametrize(
    "arguments",
    [
        "",
        "slug => 'x', gig_id => gen_random_uuid()",
        f"slug => '{slug_of(LOGO_GIG_TITLE)}', reviews_page_size => 0",
    ],
)
def test_a_gig_page_needs_exactly_one_name_and_a_sane_page(db_url: str, arguments: str) -> None:
    with pytest.raises(psycopg.Error) as refused:
        as_role(db_url, f"select public.get_gig({arguments})")
    assert refused.value.sqlstate == "22023", refused.value.diag.message_primary


def draft_of_mara(conn: psycopg.Connection) -> str:
    row = conn.execute(
        "select id from public.gigs where seller_id = %s and status = 'draft' limit 1", (MARA,)
    ).fetchone()
    assert row is not None
    return str(row[0])


def test_a_draft_is_not_found_by_anyone_but_its_seller_and_admins(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        draft = draft_of_mara(conn)
    missing = str(uuid.uuid4())
    refusals = []
    for gig_id, user in (
        (draft, None),
        (missing, None),
        (draft, "00000000-0000-4000-8000-000000000002"),
    ):
        with pytest.raises(psycopg.Error) as refused:
            as_role(db_url, "select public.get_gig(gig_id => %s)", (gig_id,), user=user)
        message = refused.value.diag.message_primary or ""
        refusals.append((refused.value.sqlstate, message.replace(gig_id, "<id>")))
    assert refusals == [("P0002", "gig <id> not found")] * 3
    seller_view = as_role(
        db_url, "select public.get_gig(gig_id => %s) as page", (draft,), user=MARA
    )
    admin_view = as_role(
        db_url, "select public.get_gig(gig_id => %s) as page", (draft,), user=ADMIN, admin=True
    )
    assert seller_view[0]["page"]["gig"]["status"] == "draft"
    assert admin_view == seller_view


def test_search_rows_carry_what_a_result_card_shows(db_url: str, admin_url: str) -> None:
    slug = slug_of(LOGO_GIG_TITLE)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        gig_id = conn.execute("select id from public.gigs where slug = %s", (slug,)).fetchone()[0]
        conn.execute(
            "update public.profiles set avatar_url = %s where id = %s",
            ("https://cdn.example.test/mara.png", MARA),
        )
        cover = f"{MARA}/{gig_id}/cover.png"
        conn.execute(
            "insert into storage.objects (bucket_id, name, owner, owner_id, metadata)"
            " values ('gig-media', %s, %s, %s, '{\"mimetype\": \"image/png\"}')",
            (cover, MARA, MARA),
        )
        conn.execute(
            "insert into public.gig_media (gig_id, path, is_cover) values (%s, %s, true)",
            (gig_id, cover),
        )
        # The upload and the new cover sent it back to review: publish the version seen.
        conn.execute(
            "insert into public.gig_events (gig_id, action, actor) values (%s, 'publish', 'admin')",
            (gig_id,),
        )
    rows = as_role(
        db_url, "select * from public.search_gigs(search_query => 'minimalist logo startup')"
    )
    card = next(row for row in rows if row["slug"] == slug)
    assert card["title"] == LOGO_GIG_TITLE
    assert card["cover_path"] == cover
    assert card["seller_display_name"] == "Mara Okafor"
    assert card["seller_avatar_url"] == "https://cdn.example.test/mara.png"
    # The seed's basic package of this gig: $45, 3 days; its rating 4.92 from 318 reviews.
    assert (card["starting_price_cents"], card["fastest_delivery_days"]) == (4500, 3)
    assert (float(card["rating_avg"]), card["rating_count"]) == (4.92, 318)


def test_a_title_match_outranks_a_better_rated_gig_that_only_mentions_the_word(
    admin_url: str,
) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        category = conn.execute(
            "select id from public.categories where slug = 'logo-design'"
        ).fetchone()[0]
        made = {}
        for key, title, description, rating, reviews in (
            ("title", "I will paint a quokka mascot for your brand", "Friendly mascots.", 3.1, 3),
            (
                "description",
                "I will paint a mascot for your brand",
                "Even a quokka, if you like.",
                5.0,
                400,
            ),
        ):
            made[key] = conn.execute(
                "insert into public.gigs (seller_id, category_id, title, description, status,"
                " starting_price_cents, fastest_delivery_days, rating_avg, rating_count)"
                " values (%s, %s, %s, %s, 'published', 5000, 3, %s, %s) returning id",
                (MARA, category, title, description, rating, reviews),
            ).fetchone()[0]
    rows = as_role(
        admin_url, "select gig_id, relevance from public.search_gigs(search_query => 'quokka')"
    )
    assert [row["gig_id"] for row in rows] == [made["title"], made["description"]]
    assert [int(row["relevance"]) for row in rows] == [2, 1]
