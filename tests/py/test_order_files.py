"""Order files through the running system: deliveries cite what Storage recorded, the
buyer fetches what a stranger cannot, and the files of an order cancelled before any
delivery are removed through the Storage API, retried until none is left. Which store
removes them follows the configuration, not the database transport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from devstack.offline import OfflineStack, wait_for
from devstack.serving import BackgroundServer
from tests.py.marketplace_flow import Shop, checkout, open_shop, order_of
from tests.py.storage_api_stub import StorageApiStub
from worker import errors, files, runtime
from worker.settings import Settings

SERVICE_ROLE_KEY = "service-role-key-0123456789"


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def paid_order(stack: OfflineStack, shop: Shop) -> str:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"])
    wait_for(
        lambda: order_of(stack, created["order_id"])["status"] == "awaiting_requirements",
        "the payment",
    )
    return str(created["order_id"])


def storage_paths(stack: OfflineStack, order_id: str) -> list[str]:
    rows = stack.sql(
        "select name from storage.objects where name like %s order by name", (f"{order_id}/%",)
    )
    return [row["name"] for row in rows]


def test_a_delivered_file_is_fetched_by_the_buyer_and_refused_to_a_stranger(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id = paid_order(stack, shop)
    stack.rpc(shop.seller, "start_order", {"order_id": order_id})
    path = f"{order_id}/deliveries/copy-v1.pdf"
    stack.upload(shop.seller, path, size=48213, mime_type="application/pdf")
    stack.rpc(
        shop.seller,
        "deliver_order",
        {"order_id": order_id, "message": "Here it is", "files": [{"path": path}]},
    )
    delivery = stack.sql(
        "select files from public.order_deliveries where order_id = %s", (order_id,)
    )[0]
    assert delivery["files"][0]["size"] == 48213
    assert delivery["files"][0]["mime_type"] == "application/pdf"
    assert stack.can_download(shop.buyer, path)
    assert not stack.can_download(stack.sign_up("nosy_one", "Nosy"), path)


def cancelled_with_files(stack: OfflineStack, shop: Shop, *names: str) -> str:
    """A paid order whose buyer uploaded these brief files, then cancelled by both."""
    order_id = paid_order(stack, shop)
    for name in names:
        stack.upload(shop.buyer, f"{order_id}/requirements/{name}", size=10, mime_type="image/png")
    stack.rpc(shop.buyer, "request_cancellation", {"order_id": order_id, "reason": "Changed plans"})
    stack.rpc(shop.seller, "accept_cancellation", {"order_id": order_id})
    return order_id


def test_files_of_an_order_cancelled_before_delivery_are_removed(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id = cancelled_with_files(stack, shop, "logo.png", "notes.txt")
    assert files.remove_cancelled_order_files(stack.services.db, stack.services.files) == 2
    assert storage_paths(stack, order_id) == []
    assert files.remove_cancelled_order_files(stack.services.db, stack.services.files) == 0
    assert order_of(stack, order_id)["files_removed_at"] is not None


def configured(**overrides: Any) -> Settings:
    return Settings(
        **{
            "database_url": "postgresql://postgres@127.0.0.1:5432/postgres",
            "jwt_secret": "a-jwt-secret-that-is-long-enough-1234",
            "whop_api_key": "apik_files",
            "whop_platform_company_id": "biz_files",
            **overrides,
        }
    )


STORAGE_API = {
    "supabase_url": "https://project.supabase.test",
    "supabase_service_role_key": SERVICE_ROLE_KEY,
}


@pytest.mark.parametrize(
    ("configuration", "store"),
    [
        ({**STORAGE_API}, files.SupabaseFileStore),
        ({**STORAGE_API, "database_transport": "supabase"}, files.SupabaseFileStore),
        ({**STORAGE_API, "environment": "development"}, files.SupabaseFileStore),
        ({"environment": "development"}, files.LocalFileStore),
    ],
    ids=[
        "production-direct-database",
        "production-supabase-transport",
        "development-with-storage-api",
        "development-without-storage-api",
    ],
)
def test_the_file_store_follows_the_configured_storage_api_not_the_transport(
    configuration: dict[str, str], store: type
) -> None:
    assert isinstance(runtime.file_store(configured(**configuration)), store)


def test_with_a_direct_database_and_a_supabase_url_files_are_removed_through_the_storage_api(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id = cancelled_with_files(stack, shop, "logo.png", "brief.png")
    storage = StorageApiStub(stack.database_url, SERVICE_ROLE_KEY)
    with BackgroundServer(storage.app()) as server:
        store = runtime.file_store(
            configured(
                database_url=stack.database_url,
                supabase_url=server.url,
                supabase_service_role_key=SERVICE_ROLE_KEY,
            )
        )
        assert files.remove_cancelled_order_files(stack.services.db, store) == 2
        assert files.remove_cancelled_order_files(stack.services.db, store) == 0
    assert [(bucket, sorted(paths)) for bucket, paths in storage.removed] == [
        ("order-files", [f"{order_id}/requirements/brief.png", f"{order_id}/requirements/logo.png"])
    ]
    assert storage_paths(stack, order_id) == []
    assert order_of(stack, order_id)["files_removed_at"] is not None


def test_files_of_live_orders_stay(stack: OfflineStack, shop: Shop) -> None:
    order_id = paid_order(stack, shop)
    stack.upload(shop.buyer, f"{order_id}/requirements/logo.png", size=10, mime_type="image/png")
    assert files.remove_cancelled_order_files(stack.services.db, stack.services.files) == 0
    assert storage_paths(stack, order_id) == [f"{order_id}/requirements/logo.png"]


class RefusingStore:
    def remove(self, bucket: str, paths: list[str]) -> None:
        raise errors.Unavailable("storage is down")


def test_a_failed_removal_is_retried_on_the_next_pass(stack: OfflineStack, shop: Shop) -> None:
    order_id = cancelled_with_files(stack, shop, "logo.png")
    with pytest.raises(errors.Unavailable):
        files.remove_cancelled_order_files(stack.services.db, RefusingStore())
    assert order_of(stack, order_id)["files_removed_at"] is None
    assert files.remove_cancelled_order_files(stack.services.db, stack.services.files) == 1


def test_the_supabase_store_removes_through_the_storage_api_with_the_service_role() -> None:
    seen: list[httpx.Request] = []

    def storage_api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        prefixes = json.loads(request.content)["prefixes"]
        return httpx.Response(200, json=[{"name": name} for name in prefixes])

    store = files.SupabaseFileStore(
        "https://project.supabase.test",
        "service-key",
        http_client=httpx.Client(transport=httpx.MockTransport(storage_api)),
    )
    store.remove("order-files", ["o1/requirements/a.png"])
    assert seen[0].method == "DELETE"
    assert seen[0].url.path == "/storage/v1/object/order-files"
    assert seen[0].headers["authorization"] == "Bearer service-key"
    assert json.loads(seen[0].content) == {"prefixes": ["o1/requirements/a.png"]}


def test_a_storage_api_refusal_is_unavailable() -> None:
    store = files.SupabaseFileStore(
        "https://project.supabase.test",
        "service-key",
        http_client=httpx.Client(
            transport=httpx.MockTransport(
                lambda _: httpx.Response(
                    403, json={"statusCode": "403", "error": "Unauthorized", "message": "no"}
                )
            )
        ),
    )
    with pytest.raises(errors.Unavailable):
        store.remove("order-files", ["x"])
