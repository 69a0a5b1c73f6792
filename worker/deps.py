"""FastAPI dependencies: the services container and the signed-in user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Header, Request

from worker.auth import TokenVerifier
from worker.db import Database, Identity
from worker.webhook_signature import WebhookVerifier


class WhopObject(Protocol):
    """What the endpoints read of a Whop response: its id and the raw JSON."""

    @property
    def id(self) -> str: ...

    @property
    def raw(self) -> Mapping[str, Any]: ...


class WhopCheckout(WhopObject, Protocol):
    @property
    def purchase_url(self) -> str: ...


class WhopGateway(Protocol):
    """The Whop calls the endpoints make (worker.whop.client.WhopClient implements it)."""

    def create_company(
        self, *, title: str, email: str, parent_company_id: str, metadata: Mapping[str, Any]
    ) -> WhopObject: ...

    def create_checkout_configuration(
        self,
        *,
        company_id: str,
        currency: str,
        initial_price_cents: int,
        application_fee_cents: int,
        title: str,
        external_identifier: str,
        metadata: Mapping[str, Any],
        redirect_url: str | None = None,
    ) -> WhopCheckout: ...

    def list_payments(
        self, *, checkout_configuration_ids: Sequence[str]
    ) -> Sequence[WhopObject]: ...

    def get_ledger_account(self, account_id: str) -> WhopObject: ...


@dataclass
class Services:
    """Everything an endpoint may use; built once from the settings (or by a test)."""

    db: Database
    tokens: TokenVerifier
    webhooks: WebhookVerifier
    whop: WhopGateway
    whop_platform_company_id: str
    checkout_redirect_url: str | None = None


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


def current_user(
    found: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> Identity:
    return found.tokens.identity(authorization)


CurrentUser = Annotated[Identity, Depends(current_user)]
