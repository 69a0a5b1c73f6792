"""Worker settings: a missing or malformed variable stops startup with a message that
names it, and secrets never appear in that message."""

from __future__ import annotations

import pytest

from worker.settings import SettingsError, load_settings

COMPLETE = {
    "GIGFLOW_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/postgres",
    "GIGFLOW_JWT_SECRET": "a-jwt-secret-that-is-long-enough-1234",
    "GIGFLOW_WHOP_API_KEY": "apik_live_0123456789",
    "GIGFLOW_WHOP_PLATFORM_COMPANY_ID": "biz_platform",
    "GIGFLOW_WHOP_WEBHOOK_SECRET": "ws_0123456789abcdef",
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in COMPLETE.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_a_complete_environment_loads(environment: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.whop_platform_company_id == "biz_platform"
    assert settings.masked_whop_api_key() == "apik…89"


def test_a_missing_variable_is_named(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("GIGFLOW_WHOP_API_KEY")
    with pytest.raises(SettingsError, match="GIGFLOW_WHOP_API_KEY"):
        load_settings()


def test_a_malformed_variable_is_named(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("GIGFLOW_DATABASE_URL", "not a url")
    with pytest.raises(SettingsError, match="GIGFLOW_DATABASE_URL"):
        load_settings()


def test_a_placeholder_secret_is_refused_without_echoing_it(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("GIGFLOW_WHOP_WEBHOOK_SECRET", "changeme")
    with pytest.raises(SettingsError, match="GIGFLOW_WHOP_WEBHOOK_SECRET") as raised:
        load_settings()
    assert "changeme" not in str(raised.value)


def test_the_supabase_transport_needs_its_url_and_key(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("GIGFLOW_DATABASE_TRANSPORT", "supabase")
    with pytest.raises(SettingsError, match="GIGFLOW_SUPABASE_URL"):
        load_settings()


def test_some_way_to_verify_user_tokens_is_required(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("GIGFLOW_JWT_SECRET")
    with pytest.raises(SettingsError, match="GIGFLOW_JWT_SECRET"):
        load_settings()
