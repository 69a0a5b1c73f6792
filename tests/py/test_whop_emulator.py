"""The Whop emulator is only useful while it behaves like Whop. Its request and response
shapes are checked against the notation in docs/whop-api.md (each snippet must still be
in that file, word for word), it validates like Whop, and its webhooks pass the same
Standard Webhooks verification the worker applies to Whop's."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.serving import BackgroundServer
from whop_emulator import WhopEmulator
from worker import errors
from worker.webhook_signature import WebhookVerifier
from worker.whop import wire
from worker.whop.client import WhopClient
from worker.whop.oauth import WhopOAuth, pkce_pair

DOC = (Path(__file__).parents[2] / "docs" / "whop-api.md").read_text()
TOKEN = re.compile(r'\s*(<[^>]*>|"[^"]*"|\.\.|[{}\[\],:?]|[A-Za-z_][A-Za-z0-9_]*|[^\s{}\[\],:]+)')

Shape = dict[str, "Shape | None"]


def documented(snippet: str) -> tuple[Shape, bool]:
    """Keys (nested) of a `{a, b:{c}, d:[{e}]}` snippet quoted from whop-api.md, and
    whether it ends its top level with `..` (more fields allowed)."""
    assert snippet in DOC, f"whop-api.md no longer says {snippet!r}"
    tokens = [t for t in TOKEN.findall(re.sub(r"\([^)]*\)", "", snippet)) if t]
    position = 0

    def parse_object() -> tuple[Shape, bool]:
        nonlocal position
        assert tokens[position] == "{"
        position += 1
        shape: Shape = {}
        open_ended = False
        while tokens[position] != "}":
            token = tokens[position]
            if token == "..":
                open_ended = True
                position += 1
            elif token == ",":
                position += 1
            else:
                key = token.strip('"')
                position += 1
                if tokens[position] == "?":
                    key += "?"
                nested: Shape | None = None
                while tokens[position] not in (",", "}"):
                    if tokens[position] == "{":
                        nested, _ = parse_object()
                        continue
                    if tokens[position] == "[" and tokens[position + 1] == "{":
                        position += 1
                        nested, _ = parse_object()
                    position += 1
                shape[key] = nested
        position += 1
        return shape, open_ended

    return parse_object()


def assert_conforms(actual: Mapping[str, Any], snippet: str) -> None:
    """Every required key is there (optional ones end in `?`), and no key the document
    does not know, unless the snippet is open-ended."""
    shape, open_ended = documented(snippet)
    required = {key for key in shape if not key.endswith("?")}
    allowed = {key.rstrip("?") for key in shape}
    missing = required - set(actual)
    assert not missing, f"the emulator leaves out {missing} of {snippet}"
    if not open_ended:
        assert set(actual) <= allowed, f"the emulator invents {set(actual) - allowed}"
    for key, nested in shape.items():
        value = actual.get(key.rstrip("?"))
        if nested and isinstance(value, list) and value:
            value = value[0]
        if nested and isinstance(value, dict):
            missing_nested = {k for k in nested if not k.endswith("?")} - set(value)
            assert not missing_nested, f"{key} lacks {missing_nested}"


@pytest.fixture
def sent() -> list[tuple[dict[str, str], bytes]]:
    return []


@pytest.fixture
def emulator(sent: list[tuple[dict[str, str], bytes]]) -> Iterator[WhopEmulator]:
    def capture(_: str, headers: Mapping[str, str], body: bytes) -> int:
        sent.append((dict(headers), body))
        return 200

    found = WhopEmulator(
        api_key="apik_emulated",
        webhook_secret="ws_emulated_secret",
        webhook_url="http://worker.invalid/webhooks/whop",
        send=capture,
    )
    with BackgroundServer(found.app()) as server:
        found.public_url = server.url
        yield found


@pytest.fixture
def whop(emulator: WhopEmulator) -> Iterator[WhopClient]:
    found = WhopClient(emulator.api_key, base_url=f"{emulator.public_url}/api/v1", max_retries=0)
    yield found
    found.close()


def seller_checkout(whop: WhopClient, emulator: WhopEmulator) -> tuple[dict, dict]:
    company = whop.create_company(
        title="Seller",
        email="seller@example.test",
        parent_company_id=emulator.platform_company_id,
        metadata={"gigflow_seller_id": "s-1"},
    )
    checkout = whop.create_checkout_configuration(
        company_id=company["id"],
        currency="USD",
        price_cents=14500,
        application_fee_cents=1450,
        title="Logo",
        external_identifier="gig-1",
        metadata={"gigflow_order_id": "o-1"},
    )
    return company, checkout


def test_company_has_the_documented_shape(whop: WhopClient, emulator: WhopEmulator) -> None:
    company, _ = seller_checkout(whop, emulator)
    assert_conforms(company, "{id, title, route, metadata, owner_user, verified, created_at}")
    assert whop.get_company(company["id"]) == company


def test_checkout_request_and_response_have_the_documented_shapes(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    _, checkout = seller_checkout(whop, emulator)
    assert_conforms(
        checkout,
        '{id:"ch_..", company_id, mode, metadata, plan:{id,..}, purchase_url, redirect_url}',
    )
    bodies: list[bytes] = []
    capturing = WhopClient(
        "apik_x",
        transport=httpx.MockTransport(
            lambda request: bodies.append(request.content) or httpx.Response(200, json={})
        ),
    )
    capturing.create_checkout_configuration(
        company_id="biz_1",
        currency="usd",
        price_cents=100,
        application_fee_cents=10,
        title="t",
        external_identifier="e",
        metadata={},
        redirect_url="https://x.test/back",
    )
    sent_body = wire.loads(bodies[0])
    request_shape, _ = documented(
        '{mode:"payment", plan:{company_id:<seller biz>, currency:"usd", initial_price,'
        ' plan_type:"one_time", application_fee_amount, title?,'
        " product:{external_identifier,title}?}, metadata, redirect_url?}"
    )
    assert set(sent_body) <= {key.rstrip("?") for key in request_shape}
    plan_shape = request_shape["plan"] or {}
    assert set(sent_body["plan"]) <= {key.rstrip("?") for key in plan_shape}
    assert set(sent_body["plan"]["product"]) <= set(plan_shape["product"] or {})


def test_payment_and_its_webhook_have_the_documented_shapes(
    whop: WhopClient, emulator: WhopEmulator, sent: list[tuple[dict[str, str], bytes]]
) -> None:
    _, checkout = seller_checkout(whop, emulator)
    payment = emulator.pay(checkout["id"])
    fetched = whop.get_payment(payment["id"])
    section = DOC.split("- **Payment** fields:")[1].split("- Confirmed")[0]
    present, absent = section.split("There is no")
    assert set(re.findall(r"`([a-z_]+)`", present)) <= set(fetched)
    assert not set(re.findall(r"`([a-z_]+)`", absent)) & set(fetched)
    assert fetched["total"] == wire.loads("145.00")
    envelope = wire.loads(sent[-1][1])
    assert_conforms(
        envelope,
        '{"id","api_version":"v1","type":"payment.succeeded","timestamp":"<ISO>","company_id":"biz_..","data":{..}}',
    )
    assert envelope["data"]["metadata"] == {"gigflow_order_id": "o-1"}


def test_refund_webhooks_have_the_documented_shape(
    whop: WhopClient, emulator: WhopEmulator, sent: list[tuple[dict[str, str], bytes]]
) -> None:
    _, checkout = seller_checkout(whop, emulator)
    payment = emulator.pay(checkout["id"])
    whop.refund_payment(payment["id"], partial_amount_cents=1500)
    refund = wire.loads(sent[-1][1])["data"]
    assert_conforms(
        refund,
        "{id, amount, currency, status (pending|requires_action|succeeded|failed|canceled),"
        " payment:{id, metadata, total, currency, user}}",
    )
    assert [r["id"] for r in whop.list_refunds(payment_id=payment["id"])] == [refund["id"]]


def test_dispute_webhooks_have_the_documented_shape(
    whop: WhopClient, emulator: WhopEmulator, sent: list[tuple[dict[str, str], bytes]]
) -> None:
    _, checkout = seller_checkout(whop, emulator)
    payment = emulator.pay(checkout["id"])
    emulator.dispute(payment["id"], "needs_response")
    emulator.dispute(payment["id"], "lost")
    created, updated = (wire.loads(body) for _, body in sent[-2:])
    assert (created["type"], updated["type"]) == ("dispute.created", "dispute.updated")
    assert (created["data"]["status"], updated["data"]["status"]) == ("needs_response", "lost")
    assert created["data"]["id"] == updated["data"]["id"]
    assert_conforms(
        updated["data"],
        "{id, amount, currency, status, reason, needs_response_by, company, payment:{id,..}}",
    )


def test_ledger_account_has_the_documented_shape(whop: WhopClient, emulator: WhopEmulator) -> None:
    company, _ = seller_checkout(whop, emulator)
    emulator.set_kyc(company["id"], "verification_failed")
    assert_conforms(
        whop.get_ledger_account(company["id"]),
        "{id, balances:[{currency,balance,pending_balance,reserve_balance}],"
        " payout_account_details:{status,"
        " latest_verification:{id,status,last_error_code,last_error_reason}}}",
    )


def test_every_webhook_passes_the_workers_signature_check(
    whop: WhopClient, emulator: WhopEmulator, sent: list[tuple[dict[str, str], bytes]]
) -> None:
    company, checkout = seller_checkout(whop, emulator)
    emulator.set_kyc(company["id"], "connected")
    emulator.pay(checkout["id"], duplicate=True, header_id_differs=True)
    verifier = WebhookVerifier(emulator.webhook_secret)
    verified = [verifier.verify(body, headers) for headers, body in sent]
    # Verifying with Whop ends with the seller's first payout method (set_kyc).
    assert [payload["type"] for _, payload in verified] == [
        "verification.succeeded",
        "payout_method.created",
        "payout_account.status_updated",
        "payment.succeeded",
        "payment.succeeded",
    ]
    duplicate_ids = {webhook_id for webhook_id, payload in verified[3:]}
    assert len(duplicate_ids) == 1
    assert verified[3][1]["id"] not in duplicate_ids


def test_a_wrong_api_key_is_a_401_in_whops_error_shape(emulator: WhopEmulator) -> None:
    response = httpx.get(
        f"{emulator.public_url}/api/v1/companies/{emulator.platform_company_id}",
        headers={"Authorization": "Bearer wrong"},
    )
    assert response.status_code == 401
    assert_conforms(response.json(), '{"error":{"type","message","code"?,"param"?}}')


def test_an_unknown_api_version_date_is_a_400(emulator: WhopEmulator) -> None:
    response = httpx.get(
        f"{emulator.public_url}/api/v1/companies/{emulator.platform_company_id}",
        headers={"Authorization": f"Bearer {emulator.api_key}", "Api-Version-Date": "1999-01-01"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"initial_price": "145.00"}, "plan.initial_price"),
        ({"initial_price": wire.loads("145.001")}, "plan.initial_price"),
        ({"application_fee_amount": wire.loads("145.00")}, "plan.application_fee_amount"),
        ({"currency": "USD"}, "plan.currency"),
    ],
)
def test_checkout_validation_names_the_bad_parameter(
    whop: WhopClient, emulator: WhopEmulator, change: dict[str, Any], param: str
) -> None:
    company, _ = seller_checkout(whop, emulator)
    plan = {
        "company_id": company["id"],
        "currency": "usd",
        "initial_price": wire.loads("145.00"),
        "plan_type": "one_time",
        "application_fee_amount": wire.loads("14.50"),
        **change,
    }
    response = httpx.post(
        f"{emulator.public_url}/api/v1/checkout_configurations",
        content=wire.dumps({"mode": "payment", "plan": plan}),
        headers={"Authorization": f"Bearer {emulator.api_key}", "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["param"] == param


def test_a_checkout_for_a_company_outside_the_platform_is_refused(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    with pytest.raises(errors.UpstreamError, match="child"):
        whop.create_checkout_configuration(
            company_id=emulator.platform_company_id,
            currency="usd",
            price_cents=1000,
            application_fee_cents=100,
            title="x",
            external_identifier="x",
            metadata={},
        )


def test_refunding_more_than_is_left_is_refused(whop: WhopClient, emulator: WhopEmulator) -> None:
    _, checkout = seller_checkout(whop, emulator)
    payment = emulator.pay(checkout["id"])
    whop.refund_payment(payment["id"], partial_amount_cents=14000)
    with pytest.raises(errors.UpstreamError, match="exceeds"):
        whop.refund_payment(payment["id"], partial_amount_cents=1000)


def test_the_purchase_url_opens_a_page_that_pays(whop: WhopClient, emulator: WhopEmulator) -> None:
    _, checkout = seller_checkout(whop, emulator)
    page = httpx.get(checkout["purchase_url"])
    assert page.status_code == 200
    assert "145.00 USD" in page.text
    action = re.search(r'action="([^"]+)"', page.text)
    assert action is not None
    assert httpx.post(emulator.public_url + action.group(1)).status_code == 200
    assert [p["status"] for p in emulator.payments.values()] == ["paid"]


def test_access_tokens_and_withdrawals_have_the_documented_shapes(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    company, checkout = seller_checkout(whop, emulator)
    assert_conforms(whop.create_access_token(company_id=company["id"]), "{token, expires_at}")
    emulator.set_kyc(company["id"], "connected")
    emulator.pay(checkout["id"])
    withdrawal = whop.create_withdrawal(company_id=company["id"], amount_cents=1000, currency="USD")
    assert_conforms(
        withdrawal,
        '{id:"wdrl_..", amount, currency, status, speed, fee_amount,'
        " ledger_account:{id,company_id}, error_message, created_at}",
    )
    assert whop.get_withdrawal(withdrawal["id"]) == withdrawal


def test_payout_methods_have_the_documented_shape(whop: WhopClient, emulator: WhopEmulator) -> None:
    company, _ = seller_checkout(whop, emulator)
    emulator.set_kyc(company["id"], "connected")
    (method,) = whop.list_payout_methods(company_id=company["id"])
    assert_conforms(method, '{id:"potk_..", currency, is_default, nickname, destination}')
    assert method["is_default"] is True


def test_a_withdrawal_pays_to_the_payout_method_named_else_the_default(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    company, checkout = seller_checkout(whop, emulator)
    emulator.set_kyc(company["id"], "connected")
    emulator.pay(checkout["id"])
    default = emulator.payout_methods[company["id"]][0]["id"]
    chosen = emulator.add_payout_method(company["id"], "Savings")["id"]
    named = whop.create_withdrawal(
        company_id=company["id"], amount_cents=1000, currency="USD", payout_method_id=chosen
    )
    unnamed = whop.create_withdrawal(company_id=company["id"], amount_cents=1000, currency="USD")
    assert emulator.withdrawal_payout_methods == {named["id"]: chosen, unnamed["id"]: default}


def test_a_withdrawal_to_another_companys_payout_method_is_refused(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    company, checkout = seller_checkout(whop, emulator)
    emulator.set_kyc(company["id"], "connected")
    emulator.pay(checkout["id"])
    other = whop.create_company(
        title="Other seller",
        email="other@example.test",
        parent_company_id=emulator.platform_company_id,
        metadata={},
    )
    foreign = emulator.add_payout_method(other["id"], "Not yours")["id"]
    with pytest.raises(errors.NotFound, match="payout method"):
        whop.create_withdrawal(
            company_id=company["id"], amount_cents=1000, currency="USD", payout_method_id=foreign
        )
    assert not emulator.withdrawals


def test_a_withdrawal_beyond_the_whop_balance_is_refused(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    company, _ = seller_checkout(whop, emulator)
    emulator.set_kyc(company["id"], "connected")
    with pytest.raises(errors.UpstreamError, match="exceeds the balance"):
        whop.create_withdrawal(company_id=company["id"], amount_cents=100, currency="USD")


def test_webhooks_have_the_documented_shape_and_the_secret_only_at_creation(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    created = whop.create_webhook(
        url="https://worker.test/webhooks/whop",
        events=["payment.succeeded"],
        resource_id=emulator.platform_company_id,
    )
    assert_conforms(
        created,
        '{id:"hook_..", url, events, resource_id, enabled, api_version, child_resource_events,'
        " created_at, webhook_secret}",
    )
    listed = list(whop.list_webhooks(company_id=emulator.platform_company_id))
    assert [hook["id"] for hook in listed] == [created["id"]]
    assert "webhook_secret" not in listed[0]
    whop.delete_webhook(created["id"])
    assert list(whop.list_webhooks(company_id=emulator.platform_company_id)) == []


def test_oauth_token_and_userinfo_have_the_documented_shapes(emulator: WhopEmulator) -> None:
    oauth = WhopOAuth(
        client_id=emulator.oauth_client_id,
        client_secret=emulator.oauth_client_secret,
        redirect_uri="https://app.test/callback",
        base_url=emulator.public_url,
    )
    verifier, challenge = pkce_pair()
    back = httpx.URL(
        emulator.approve_oauth(oauth.authorize_url(state="s" * 20, code_challenge=challenge))
    )
    issued = oauth.exchange_code(code=back.params["code"], code_verifier=verifier)
    assert_conforms(issued, "{access_token, refresh_token, id_token?, token_type, expires_in}")
    assert_conforms(
        oauth.userinfo(issued["access_token"]),
        "{sub (the user_ id, not `id` as in the seed), name, preferred_username, email}",
    )


def test_oauth_refuses_a_wrong_verifier(emulator: WhopEmulator) -> None:
    oauth = WhopOAuth(
        client_id=emulator.oauth_client_id,
        client_secret=emulator.oauth_client_secret,
        redirect_uri="https://app.test/callback",
        base_url=emulator.public_url,
    )
    _, challenge = pkce_pair()
    back = httpx.URL(
        emulator.approve_oauth(oauth.authorize_url(state="s" * 20, code_challenge=challenge))
    )
    with pytest.raises(errors.Forbidden):
        oauth.exchange_code(code=back.params["code"], code_verifier="not-the-verifier")


def test_a_company_that_existed_before_the_emulator_answers_like_any_other(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    emulator.adopt_company("biz_seededSeller01", "seeded_seller", "pending_verification")
    ledger = whop.get_ledger_account("biz_seededSeller01")
    assert ledger["payout_account_details"]["status"] == "pending_verification"
    assert list(whop.list_payout_methods(company_id="biz_seededSeller01")) == []
    assert not emulator.deliveries


def test_a_connected_company_that_existed_before_the_emulator_has_a_payout_method(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    emulator.adopt_company("biz_seededSeller02", "seeded_seller", "connected")
    (method,) = whop.list_payout_methods(company_id="biz_seededSeller02")
    assert method["is_default"] is True
    assert not emulator.deliveries


# DM channels and users' own tokens (the order chat).


def whop_users(emulator: WhopEmulator, *user_ids: str) -> None:
    """People who have Whop accounts (they signed in to Whop at some point)."""
    for user_id in user_ids:
        emulator.add_user(user_id, email=f"{user_id}@people.example", username=user_id[5:])


def as_user(emulator: WhopEmulator, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{emulator.public_url}/api/v1", headers={"Authorization": f"Bearer {token}"}
    )


def test_a_dm_channel_has_the_documented_shape_and_is_made_once_per_members(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    whop_users(emulator, "user_buyer", "user_seller")
    channel = whop.create_dm_channel(
        with_user_ids=["user_buyer", "user_seller"],
        company_id=emulator.platform_company_id,
        custom_name="GigFlow order 1",
    )
    assert_conforms(channel, "{id, created_at, name, last_message_at}")
    assert channel["name"] == "GigFlow order 1"
    again = whop.create_dm_channel(
        with_user_ids=["user_seller", "user_buyer"],
        company_id=emulator.platform_company_id,
        custom_name="GigFlow order 2",
    )
    assert again == channel
    assert len(emulator.dm_channels) == 1


def test_a_dm_channel_names_people_whop_knows(whop: WhopClient, emulator: WhopEmulator) -> None:
    whop_users(emulator, "user_buyer")
    with pytest.raises(errors.NotFound, match="user user_nobody"):
        whop.create_dm_channel(
            with_user_ids=["user_buyer", "user_nobody"],
            company_id=emulator.platform_company_id,
            custom_name="x",
        )
    with pytest.raises(errors.UpstreamError, match="with_user_ids"):
        whop.create_dm_channel(
            with_user_ids=[], company_id=emulator.platform_company_id, custom_name="x"
        )
    # Usernames and e-mails name people too (the worker sends only Whop user ids).
    whop_users(emulator, "user_seller")
    by_email = whop.create_dm_channel(
        with_user_ids=["buyer", "user_seller@people.example"],
        company_id=emulator.platform_company_id,
        custom_name="x",
    )
    assert emulator.dm_members[by_email["id"]] == ["user_buyer", "user_seller"]


def test_a_users_token_has_the_documented_shape_and_shows_only_their_channels(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    whop_users(emulator, "user_buyer", "user_seller", "user_stranger")
    channel = whop.create_dm_channel(
        with_user_ids=["user_buyer", "user_seller"],
        company_id=emulator.platform_company_id,
        custom_name="GigFlow order 1",
    )
    minted = whop.create_access_token(user_id="user_buyer", scoped_actions=["dms:read"])
    assert_conforms(minted, "{token, expires_at}")
    assert emulator.access_tokens[minted["token"]]["user_id"] == "user_buyer"
    with as_user(emulator, minted["token"]) as buyer:
        listed = buyer.get("/dm_channels", params={"company_id": emulator.platform_company_id})
        assert [c["id"] for c in listed.json()["data"]] == [channel["id"]]
        members = buyer.get("/dm_members", params={"channel_id": channel["id"]}).json()["data"]
        assert [m["user_id"] for m in members] == ["user_buyer", "user_seller"]
        # The user's token is theirs for their DMs, not the platform's API.
        assert buyer.get("/payments").status_code == 401
    stranger = whop.create_access_token(user_id="user_stranger", scoped_actions=["dms:read"])
    with as_user(emulator, stranger["token"]) as outsider:
        assert outsider.get("/dm_channels").json()["data"] == []
        assert outsider.get("/dm_members", params={"channel_id": channel["id"]}).status_code == 404


def test_a_users_token_acts_only_within_its_actions(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    whop_users(emulator, "user_buyer", "user_seller")
    reader = whop.create_access_token(user_id="user_buyer", scoped_actions=["dms:read"])
    with as_user(emulator, reader["token"]) as buyer:
        made = buyer.post("/dm_channels", json={"with_user_ids": ["user_seller"]})
    assert made.status_code == 403
    assert made.json()["error"]["message"] == "the token lacks the dms:channel:manage permission"


def test_an_access_token_is_for_a_known_user_or_company(
    whop: WhopClient, emulator: WhopEmulator
) -> None:
    with pytest.raises(errors.NotFound, match="user user_nobody"):
        whop.create_access_token(user_id="user_nobody")
    with pytest.raises(ValueError, match="a company or for a user"):
        whop.create_access_token(company_id=emulator.platform_company_id, user_id="user_x")
