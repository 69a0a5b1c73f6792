"""`gigflow demo`: the whole marketplace, offline, on an embedded PostgreSQL.

It builds the database from the migrations and the seed, starts the Whop emulator and
the real worker on local sockets, and drives one story through the worker's HTTP
endpoints, RPCs under each user's identity (as PostgREST runs them) and signed Whop
webhooks: a seller onboards and is verified, publishes a gig; a buyer finds it, pays,
briefs, gets a delivery file from Storage (a stranger cannot), asks for a revision,
accepts; both review; a second order is paid with its webhook lost, recovered by
reconciliation, and partly refunded by Whop and by an operator; the seller picks one of
her payout methods at Whop and withdraws to it; then Sam's bank charges the first order
back and the lost chargeback becomes Maya's debt. The buyer is new to GigFlow and signs in
with Whop; the seller links her Whop account; the paid order's chat is a Whop DM channel
between them, with a chat token for each. Last, an operator suspends Maya (her gig leaves
search, a buyer cannot order it, she is told why) and reinstates her, both in the audit
log.
Everything it starts, it stops.
"""

from __future__ import annotations

from typing import Any

import httpx
import psycopg

from devstack import dbbuild
from devstack.localpg import LocalCluster
from devstack.offline import Actor, OfflineStack, wait_for
from worker import reconcile
from worker.db import Result


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


class Story:
    def __init__(self, stack: OfflineStack) -> None:
        self.stack = stack
        self.step_number = 0

    def step(self, text: str) -> None:
        self.step_number += 1
        print(f"\n{self.step_number:>2}. {text}")

    def say(self, text: str) -> None:
        print(f"    {text}")

    def post(self, actor: Actor, path: str, body: dict[str, Any] | None = None) -> Result:
        response = self.stack.http.post(path, json=body or {}, headers=actor.headers)
        if response.is_error:
            raise RuntimeError(f"POST {path} answered {response.status_code}: {response.text}")
        return response.json()

    def order(self, order_id: str) -> dict[str, Any]:
        return self.stack.sql("select * from public.orders where id = %s", (order_id,))[0]

    def wait_for_status(self, order_id: str, status: str) -> dict[str, Any]:
        return wait_for(
            lambda: (found := self.order(order_id))["status"] == status and found,
            f"order {order_id} to become {status}",
        )

    # The chapters.

    def seller_joins(self) -> tuple[Actor, str, str]:
        stack = self.stack
        self.step("Maya signs up (Supabase Auth) and becomes a seller (RPC become_seller)")
        maya = stack.sign_up("maya_designs", "Maya Okafor")
        stack.rpc(maya, "become_seller", {"headline": "Brand identities that last"})
        self.say(f"user {maya.user_id}")

        self.step("Maya onboards with Whop: POST /sellers/onboard")
        account = self.post(maya, "/sellers/onboard")
        company_id = account["whop_company_id"]
        self.say(f"connected company {company_id} under the platform; KYC {account['kyc_status']}")

        self.step("Whop verifies her identity and says so by signed webhook")
        stack.emulator.set_kyc(company_id, "connected")
        wait_for(
            lambda: stack.sql(
                "select 1 from public.seller_accounts where user_id = %s"
                " and kyc_status = 'verified'",
                (maya.user_id,),
            ),
            "the KYC webhook",
        )
        self.say(
            "verification.succeeded, payout_method.created (her bank account),"
            " payout_account.status_updated -> kyc_status verified"
        )

        self.step("Maya lists a gig (tables under RLS), submits it; an admin publishes it")
        gig_id = stack.create_gig(
            maya,
            "I will design a minimalist logo for your brand",
            packages={"basic": 4500, "standard": 12000},
            extras={"Social media kit": 2500},
            questions=("What is your brand called, and what does it do?",),
        )
        stack.rpc(maya, "submit_gig_for_review", {"gig_id": gig_id})
        stack.services.db.rpc("publish_gig", {"gig_id": gig_id})
        self.say(f"gig {gig_id} published (the KYC gate let it through)")
        return maya, company_id, str(gig_id)

    def seller_links_whop(self, maya: Actor) -> None:
        stack = self.stack
        self.step("Maya links her Whop account (for the order chat): POST /oauth/whop/start")
        browser = stack.browser()
        authorize_url = browser.start_linking(maya)
        self.say("the answer sets an HttpOnly, Secure, SameSite=Lax cookie bound to the flow")
        back = stack.emulator.approve_oauth(
            authorize_url, whop_user_id="user_maya", email="maya@people.example", name="Maya"
        )
        landed = browser.land(back)
        self.say(f"she approves at Whop; the callback (her cookie came back) sends her to {landed}")
        link = stack.rpc(maya, "my_whop_link")[0]
        self.say(f"linked to Whop user {link['whop_user_id']} (the OAuth sub, never an e-mail)")

    def buyer_signs_in_with_whop(self) -> Actor:
        stack = self.stack
        self.step('Sam, new to GigFlow, clicks "Continue with Whop": GET /oauth/whop/sign-in')
        browser = stack.browser()
        authorize_url = browser.start_sign_in()
        back = stack.emulator.approve_oauth(
            authorize_url,
            whop_user_id="user_sam",
            email="sam@people.example",
            username="sam_rivera",
            name="Sam Rivera",
        )
        landed = browser.land(back)
        fragment = dict(httpx.QueryParams(landed.fragment))
        self.say(
            f"back from Whop: {landed.copy_with(fragment=None)}"
            f" with a one-time token hash in the fragment ({fragment['token_hash'][:12]}…)"
        )
        sam = stack.verify_magic_link(fragment["token_hash"])
        profile = stack.sql("select username from public.profiles where id = %s", (sam.user_id,))[0]
        self.say(
            f"the frontend's supabase.auth.verifyOtp({{type: 'magiclink', token_hash}}) gives"
            f" a session: user {sam.user_id}, profile @{profile['username']}, made through"
            " Supabase Auth's admin API and linked to Whop user"
            f" {stack.rpc(sam, 'my_whop_link')[0]['whop_user_id']}"
        )
        return sam

    def order_chat(self, maya: Actor, sam: Actor, order_id: str) -> None:
        stack = self.stack
        self.step("The paid order's chat: a Whop DM channel between Sam's and Maya's Whop users")
        channel_id = wait_for(
            lambda: self.order(order_id)["whop_dm_channel_id"], "the order's chat channel"
        )
        channel = stack.emulator.dm_channels[channel_id]
        members = ", ".join(stack.emulator.dm_members[channel_id])
        self.say(f'{channel_id} "{channel["name"]}" between {members}, in the platform\'s company')
        for actor in (sam, maya):
            token = self.post(actor, "/tokens/chat", {"order_id": order_id})
            minted = stack.emulator.access_tokens[token["token"]]
            self.say(
                f"POST /tokens/chat as the {token['role']}: their own Whop token (user"
                f" {minted['user_id']}, {', '.join(minted['scoped_actions'])}) for"
                f" channel {token['channel_id']}"
            )
        stranger = stack.sign_up("chat_lurker", "Chat Lurker")
        refused = stack.http.post(
            "/tokens/chat", json={"order_id": order_id}, headers=stranger.headers
        )
        self.say(f"a stranger asking for it: {refused.status_code} {refused.json()['code']}")

    def buyer_orders(self, gig_id: str, buyer: Actor) -> tuple[str, dict[str, Any]]:
        stack = self.stack
        self.step("Sam searches the catalog as an anonymous visitor (RPC search_gigs)")
        found = stack.search_as_anon({"search_query": "minimalist logo"})
        for row in found[:3]:
            self.say(f"{_money(row['starting_price_cents']):>8}  {row['title']}")
        extra_id = stack.sql("select id from public.gig_extras where gig_id = %s", (gig_id,))[0]
        self.step("Sam checks out the standard package with the social kit: POST /checkout")
        checkout = self.post(
            buyer,
            "/checkout",
            {
                "gig_id": gig_id,
                "tier": "standard",
                "extras": [{"extra_id": str(extra_id["id"]), "quantity": 1}],
                "attribution": {"utm_source": "newsletter", "utm_campaign": "autumn"},
            },
        )
        self.say(
            f"order {checkout['order_id']}: {_money(checkout['total_cents'])},"
            f" platform fee {_money(checkout['platform_fee_cents'])} (priced in SQL)"
        )
        self.say(f"pay at {checkout['purchase_url']}")
        return checkout["order_id"], checkout

    def pay(self, buyer: Actor, order_id: str, checkout_id: str) -> str:
        stack = self.stack
        self.step("Sam pays at Whop; Whop sends payment.succeeded, and then the same again")
        payment = stack.emulator.pay(checkout_id, duplicate=True)
        self.wait_for_status(order_id, "awaiting_requirements")
        confirmed = self.post(buyer, "/checkout/confirm", {"order_id": order_id})
        events = stack.sql(
            "select count(*) as n from public.whop_events where payload -> 'data' ->> 'id' = %s",
            (payment["id"],),
        )[0]["n"]
        deliveries = sum(
            1 for d in stack.emulator.deliveries if d.event_type == "payment.succeeded"
        )
        self.say(
            f"{deliveries} deliveries, {events} stored event, order {confirmed['status']}"
            " (the return page asked Whop, not the browser)"
        )
        return str(payment["id"])

    def work_happens(self, maya: Actor, sam: Actor, order_id: str) -> None:
        stack = self.stack
        self.step("Sam answers the brief (RPC submit_requirements): the clock starts")
        requirement = stack.sql(
            "select r.id from public.gig_requirements as r join public.orders as o"
            " on o.gig_id = r.gig_id where o.id = %s",
            (order_id,),
        )[0]
        stack.rpc(
            sam,
            "submit_requirements",
            {
                "order_id": order_id,
                "answers": [
                    {
                        "requirement_id": str(requirement["id"]),
                        "answer": "Fernleaf, a plant shop in Leeds",
                    }
                ],
            },
        )
        self.say(
            f"order {self.order(order_id)['status']}, due {self.order(order_id)['due_at']:%Y-%m-%d}"
        )

        self.step("Maya uploads her concepts to Storage and delivers them")
        first_cut = f"{order_id}/deliveries/fernleaf-concepts.pdf"
        stack.upload(maya, first_cut, size=1_482_113, mime_type="application/pdf")
        stack.rpc(
            maya,
            "deliver_order",
            {"order_id": order_id, "message": "Three concepts.", "files": [{"path": first_cut}]},
        )
        recorded = stack.sql(
            "select files -> 0 as file from public.order_deliveries where order_id = %s",
            (order_id,),
        )[0]["file"]
        self.say(
            f"order-files/{recorded['path']}: {recorded['size']:,} bytes,"
            f" {recorded['mime_type']} (as Storage recorded it)"
        )
        stranger = stack.sign_up("nosy_neighbour", "Nosy Neighbour")
        self.say(
            f"Sam may download it: {stack.can_download(sam, first_cut)};"
            f" a stranger may: {stack.can_download(stranger, first_cut)} (RLS on storage.objects)"
        )

        self.step("Sam asks for a revision; Maya delivers again; Sam accepts")
        stack.rpc(sam, "request_revision", {"order_id": order_id, "message": "A greener green?"})
        stack.rpc(maya, "deliver_order", {"order_id": order_id, "message": "Greener, as asked."})
        accepted = stack.rpc(sam, "accept_delivery", {"order_id": order_id})
        self.say(f"order {accepted['status']}; revisions used {accepted['revisions_used']}")

        self.step("Both review; the reviews appear once both are in")
        stack.rpc(sam, "submit_review", {"order_id": order_id, "rating": 5, "body": "Lovely."})
        stack.rpc(
            maya, "submit_review", {"order_id": order_id, "rating": 5, "body": "Clear brief."}
        )
        gig = stack.sql(
            "select g.rating_avg, g.rating_count from public.gigs as g"
            " join public.orders as o on o.gig_id = g.id where o.id = %s",
            (order_id,),
        )[0]
        self.say(f"gig rating {gig['rating_avg']} from {gig['rating_count']} review(s)")

    def partial_refund(self, sam: Actor, gig_id: str) -> str:
        stack = self.stack
        self.step("Sam orders the basic package too and pays; this time the webhook is lost")
        checkout = self.post(sam, "/checkout", {"gig_id": gig_id, "tier": "basic"})
        order_id = checkout["order_id"]
        payment = stack.emulator.pay(checkout["checkout_id"], drop_webhook=True)
        self.say(f"Whop took the money; our order is still {self.order(order_id)['status']}")

        self.step("Reconciliation asks Whop about every order still waiting on it")
        report = reconcile.reconcile_once(stack.services.db, stack.services.whop)
        self.say(f"{report.as_dict()}: order {self.order(order_id)['status']}")
        stack.emulator.deliver_dropped()
        wait_for(
            lambda: stack.sql(
                "select 1 from public.whop_events where payload -> 'data' ->> 'id' = %s"
                " and processed_at is not null",
                (payment["id"],),
            ),
            "the late webhook",
        )
        pays = stack.sql(
            "select count(*) as n from public.order_events where order_id = %s and action = 'pay'",
            (order_id,),
        )[0]["n"]
        self.say(f"the webhook arrives late after all: {pays} payment recorded, nothing changed")

        self.step("Whop refunds $15.00 of it (an operator in Whop's dashboard)")
        stack.emulator.refund(payment["id"], 1500)
        refunded = wait_for(
            lambda: (found := self.order(order_id))["refunded_cents"] == 1500 and found,
            "the refund webhook",
        )
        self.say(
            f"refund.created (pending: no effect) then refund.updated (succeeded):"
            f" {_money(refunded['refunded_cents'])} refunded, of which platform fee"
            f" {_money(refunded['fee_refunded_cents'])}; order stays {refunded['status']}"
        )
        return str(order_id)

    def operator_refund(self, order_id: str) -> None:
        stack = self.stack
        self.step("An operator refunds another $10.00 of it: POST /admin/orders/{id}/refunds")
        operator = stack.sign_up("ops_lee", "Lee (operator)", admin=True)
        accepted = self.post(
            operator,
            f"/admin/orders/{order_id}/refunds",
            {"amount_cents": 1000, "reason": "slow start, goodwill"},
        )
        self.say(f"sent to Whop: {accepted['sent_to_whop']}; the order changes when Whop confirms")
        refunded = wait_for(
            lambda: (found := self.order(order_id))["refunded_cents"] == 2500 and found,
            "Whop's refund confirmation",
        )
        self.say(f"confirmed by webhook: {_money(refunded['refunded_cents'])} refunded in all")

    def payout_method(self, maya: Actor, company_id: str) -> str:
        stack = self.stack
        self.step("Maya adds a savings account in Whop's payouts component and picks it")
        stack.emulator.add_payout_method(company_id, "Savings")
        response = stack.http.get("/sellers/payout_methods", headers=maya.headers)
        if response.is_error:
            raise RuntimeError(f"GET /sellers/payout_methods answered {response.text}")
        methods = response.json()["payout_methods"]
        for method in methods:
            default = " (Whop's default)" if method["is_default"] else ""
            self.say(f"{method['id']}: {method['nickname']}{default}")
        account = self.post(maya, "/sellers/kyc/sync")
        self.say(
            f"GET /sellers/payout_methods lists her company's only; POST /sellers/kyc/sync:"
            f" payouts enabled {account['payout_enabled']} (connected, with a payout method)"
        )
        return str(next(m["id"] for m in methods if m["nickname"] == "Savings"))

    def withdrawal(self, maya: Actor, payout_method_id: str) -> None:
        stack = self.stack
        self.step("Maya withdraws what has cleared to her savings: POST /sellers/withdrawals")
        stack.services.db.rpc("set_clearance_period", {"days": 0})
        self.say("(the operator sets the clearance period to 0 days for the demo; default 14)")
        available = stack.rpc(maya, "seller_balance")[0]["available_cents"]
        withdrawal = self.post(
            maya,
            "/sellers/withdrawals",
            {"amount_cents": available, "payout_method_id": payout_method_id},
        )
        paid_to = stack.emulator.withdrawal_payout_methods[withdrawal["whop_withdrawal_id"]]
        self.say(
            f"{_money(available)} requested: Whop withdrawal {withdrawal['whop_withdrawal_id']}"
            f" to {paid_to}"
        )
        stack.emulator.settle_withdrawal(withdrawal["whop_withdrawal_id"], "completed")
        settled = wait_for(
            lambda: (found := stack.rpc(maya, "seller_balance")[0])["withdrawn_cents"] and found,
            "the payout webhook",
        )
        self.say(
            f"withdrawal.updated (completed): withdrawn {_money(settled['withdrawn_cents'])},"
            f" available {_money(settled['available_cents'])},"
            f" still pending {_money(settled['pending_cents'])}"
        )

    def chargeback(self, maya: Actor, order_id: str, payment_id: str) -> None:
        stack = self.stack
        self.step("Sam's bank charges back the first order: Whop opens a dispute")
        dispute = stack.emulator.dispute(payment_id, "needs_response")
        self.wait_for_status(order_id, "disputed")
        operator = stack.sign_up("ops_chargebacks", "Operator", admin=True)
        with stack.as_user(operator) as conn:
            open_chargeback = conn.execute(
                "select whop_dispute_id, needs_response_by::text from public.admin_open_chargebacks"
                " where order_id = %s",
                (order_id,),
            ).fetchone()
        assert open_chargeback is not None
        self.say(
            f"dispute.created ({dispute['status']}): the order is frozen as disputed; admins"
            f" see {open_chargeback['whop_dispute_id']} in admin_open_chargebacks, to answer"
            f" by {open_chargeback['needs_response_by'][:10]}"
        )
        stack.emulator.dispute(payment_id, "lost")
        order = self.wait_for_status(order_id, "refunded")
        balance = wait_for(
            lambda: (found := stack.rpc(maya, "seller_balance")[0])["debt_cents"] and found,
            "the seller's debt",
        )
        self.say(
            f"dispute.updated (lost): the order ends refunded ({_money(order['refunded_cents'])}"
            f" back, {_money(order['net_refunded_cents'])} of it Maya's share); she had already"
            f" withdrawn it, so she owes {_money(balance['debt_cents'])}, paid first from her"
            f" later earnings (available {_money(balance['available_cents'])})"
        )

    def operator_suspends(self, maya: Actor, sam: Actor, gig_id: str) -> None:
        stack = self.stack
        self.step("An operator suspends Maya, with a reason (RPC suspend_seller)")
        operator = stack.sign_up("ops_kim", "Kim (operator)", admin=True)
        stack.rpc(
            operator,
            "suspend_seller",
            {"seller_id": maya.user_id, "reason": "Reported for reselling stock logos"},
        )
        found = stack.search_as_anon({"search_query": "minimalist logo"})
        hers = sum(1 for row in found if str(row["seller_id"]) == maya.user_id)
        refused = stack.http.post(
            "/checkout", json={"gig_id": gig_id, "tier": "basic"}, headers=sam.headers
        )
        self.say(f"her gigs in search: {hers}; Sam's checkout: {refused.status_code}")
        self.say(f"  {refused.json()['message']} ({refused.json()['code']})")
        told = stack.sql(
            "select body from public.notifications"
            " where user_id = %s and kind = 'seller_suspended'",
            (maya.user_id,),
        )[0]["body"]
        self.say(f"Maya is told: {told}")

        self.step("The operator reinstates her; the audit log (admins only) has both")
        stack.rpc(
            operator,
            "reinstate_seller",
            {"seller_id": maya.user_id, "reason": "The logos were her own work"},
        )
        found = stack.search_as_anon({"search_query": "minimalist logo"})
        hers = sum(1 for row in found if str(row["seller_id"]) == maya.user_id)
        self.say(f"her gigs in search: {hers}")
        with stack.as_user(operator) as conn:
            log = conn.execute(
                "select action::text, reason from public.admin_actions"
                " where seller_id = %s order by id",
                (maya.user_id,),
            ).fetchall()
        for entry in log:
            self.say(f"admin_actions: {entry['action']} by Kim: {entry['reason']}")

    def summary(self, order_ids: list[str]) -> None:
        rows = self.stack.sql(
            "select o.id, o.tier, o.status, o.subtotal_cents, o.fee_cents, o.seller_net_cents,"
            " o.refunded_cents, o.fee_refunded_cents, o.net_refunded_cents"
            " from public.orders as o where o.id = any(%s::uuid[]) order by o.created_at",
            (order_ids,),
        )
        print("\nSummary")
        header = ("order", "tier", "status", "paid", "fee", "seller", "refunded", "fee kept")
        widths = (8, 8, 21, 9, 8, 9, 9, 9)
        print("  " + "  ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
        for row in rows:
            cells = (
                str(row["id"])[:8],
                row["tier"],
                row["status"],
                _money(row["subtotal_cents"]),
                _money(row["fee_cents"]),
                _money(row["seller_net_cents"] - row["net_refunded_cents"]),
                _money(row["refunded_cents"]),
                _money(row["fee_cents"] - row["fee_refunded_cents"]),
            )
            print("  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
        inbox = self.stack.sql(
            "select status::text, count(*) as n from public.whop_events group by 1 order by 1"
        )
        print("  webhook inbox: " + ", ".join(f"{r['n']} {r['status']}" for r in inbox))


def run(cluster: LocalCluster) -> None:
    was_running = cluster.is_running()
    cluster.start()
    try:
        print("building the database from supabase/migrations and supabase/seed.sql")
        dbbuild.reset(cluster.url(), cluster.admin_url)
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            published = conn.execute(
                "select count(*) from public.gigs where status = 'published'"
            ).fetchone()
        print(f"catalog: {published[0] if published else 0} published gigs from the seed")
        with OfflineStack(cluster.url(), cluster.url("supabase_auth_admin")) as stack:
            print(f"worker on {stack.worker_url}, Whop emulator on {stack.emulator.public_url}")
            story = Story(stack)
            maya, company_id, gig_id = story.seller_joins()
            story.seller_links_whop(maya)
            sam = story.buyer_signs_in_with_whop()
            first_order, checkout = story.buyer_orders(gig_id, sam)
            first_payment = story.pay(sam, first_order, checkout["checkout_id"])
            story.order_chat(maya, sam, first_order)
            story.work_happens(maya, sam, first_order)
            second_order = story.partial_refund(sam, gig_id)
            story.operator_refund(second_order)
            story.withdrawal(maya, story.payout_method(maya, company_id))
            story.chargeback(maya, first_order, first_payment)
            story.operator_suspends(maya, sam, gig_id)
            story.summary([first_order, second_order])
    finally:
        if not was_running:
            cluster.stop()
    print("\ndemo finished: the worker, the emulator and the database are stopped")
