"""Worker settings: a missing or malformed variable stops startup with a message that
names it, and secrets never appear in that message."""

from __future__ import annotations

import pytest

from worker.settings import SettingsError, load_settings

COMPLETE = {
    "GIGFLOW_ENVIRONMENT": "development",
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


def test_production_is_the_default_and_loads_with_the_storage_api(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.delenv("GIGFLOW_ENVIRONMENT")
    environment.setenv("GIGFLOW_SUPABASE_URL", "https://project.supabase.test")
    environment.setenv("GIGFLOW_SUPABASE_SERVICE_ROLE_KEY", "service-role-key-0123456789")
    settings = load_settings()
    assert settings.environment == "production"
    assert settings.database_transport == "postgres"
    assert settings.storage_api() == (
        "https://project.supabase.test/",
        "service-role-key-0123456789",
    )


def test_production_without_the_storage_api_is_refused_naming_the_variables(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.delenv("GIGFLOW_ENVIRONMENT")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "GIGFLOW_SUPABASE_URL" in message
    assert "GIGFLOW_SUPABASE_SERVICE_ROLE_KEY" in message
    assert "GIGFLOW_ENVIRONMENT" in message


def test_development_loads_without_the_storage_api(environment: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.environment == "development"
    assert settings.storage_api() is None


def test_an_unknown_environment_is_named(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("GIGFLOW_ENVIRONMENT", "staging")
    with pytest.raises(SettingsError, match="GIGFLOW_ENVIRONMENT"):
        load_settings()


@pytest.mark.parametrize(
    "given",
    ["GIGFLOW_SUPABASE_URL", "GIGFLOW_SUPABASE_SERVICE_ROLE_KEY"],
)
def test_a_supabase_url_and_service_role_key_are_refused_apart(
    environment: pytest.MonkeyPatch, given: str
) -> None:
    values = {
        "GIGFLOW_SUPABASE_URL": "https://project.supabase.test",
        "GIGFLOW_SUPABASE_SERVICE_ROLE_KEY": "service-role-key-0123456789",
    }
    environment.setenv(given, values[given])
    with pytest.raises(SettingsError, match="go together"):
        load_settings()


def test_some_way_to_verify_user_tokens_is_required(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("GIGFLOW_JWT_SECRET")
    with pytest.raises(SettingsError, match="GIGFLOW_JWT_SECRET"):
        load_settings()


def test_cors_origins_default_to_none(environment: pytest.MonkeyPatch) -> None:
    assert load_settings().cors_origins == ()


def test_cors_origins_are_read_comma_separated(environment: pytest.MonkeyPatch) -> None:
    environment.setenv(
        "GIGFLOW_CORS_ORIGINS", "https://app.example.test, http://localhost:5173,http://[::1]:3000"
    )
    assert load_settings().cors_origins == (
        "https://app.example.test",
        "http://localhost:5173",
        "http://[::1]:3000",
    )


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.test/",
        "https://app.example.test/login",
        "https://App.example.test",
        "https://app.example.test:443",
        "app.example.test",
        "ftp://app.example.test",
        "https://user@app.example.test",
        "https://app.example.test:99999",
    ],
    ids=[
        "trailing-slash",
        "path",
        "uppercase",
        "default-port",
        "no-scheme",
        "not-http",
        "credentials",
        "bad-port",
    ],
)
def test_a_malformed_cors_origin_is_named(environment: pytest.MonkeyPatch, origin: str) -> None:
    environment.setenv("GIGFLOW_CORS_ORIGINS", f"http://localhost:5173,{origin}")
    with pytest.raises(SettingsError, match=r"GIGFLOW_CORS_ORIGINS: .*origin 2 is not written"):
        load_settings()


@pytest.mark.parametrize("origin", ["*", "https://*.example.test"])
def test_a_wildcard_cors_origin_is_refused(environment: pytest.MonkeyPatch, origin: str) -> None:
    environment.setenv("GIGFLOW_CORS_ORIGINS", origin)
    with pytest.raises(SettingsError, match=r"GIGFLOW_CORS_ORIGINS: .*no wildcards"):
        load_settings()


OAUTH = {
    "GIGFLOW_WHOP_OAUTH_CLIENT_ID": "app_gigflow",
    "GIGFLOW_WHOP_OAUTH_CLIENT_SECRET": "ocs_0123456789abcdef",
    "GIGFLOW_WHOP_OAUTH_REDIRECT_URI": "https://api.gigflow.test/oauth/whop/callback",
    "GIGFLOW_TOKEN_ENCRYPTION_KEYS": "a" * 43 + "=",
}


def test_whop_oauth_needs_the_frontends_done_and_error_pages(
    environment: pytest.MonkeyPatch,
) -> None:
    for name, value in OAUTH.items():
        environment.setenv(name, value)
    with pytest.raises(SettingsError, match="GIGFLOW_OAUTH_DONE_URL and GIGFLOW_OAUTH_ERROR_URL"):
        load_settings()
    environment.setenv("GIGFLOW_OAUTH_DONE_URL", "https://app.gigflow.test/whop/done")
    environment.setenv("GIGFLOW_OAUTH_ERROR_URL", "https://app.gigflow.test/whop/error")
    settings = load_settings()
    assert str(settings.oauth_error_url) == "https://app.gigflow.test/whop/error"


def test_supabase_auth_is_the_projects_unless_set_apart(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("GIGFLOW_SUPABASE_URL", "https://project.supabase.test")
    environment.setenv("GIGFLOW_SUPABASE_SERVICE_ROLE_KEY", "service-role-key-0123456789")
    assert load_settings().auth_admin() == (
        "https://project.supabase.test/auth/v1",
        "service-role-key-0123456789",
    )
    environment.setenv("GIGFLOW_SUPABASE_AUTH_URL", "http://127.0.0.1:9999/auth/v1")
    assert load_settings().auth_admin() == (
        "http://127.0.0.1:9999/auth/v1",
        "service-role-key-0123456789",
    )


def test_an_auth_url_alone_uses_the_service_role_key_and_no_storage_api(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("GIGFLOW_SUPABASE_AUTH_URL", "http://127.0.0.1:9999/auth/v1")
    with pytest.raises(SettingsError, match="go together"):
        load_settings()
    environment.setenv("GIGFLOW_SUPABASE_SERVICE_ROLE_KEY", "service-role-key-0123456789")
    settings = load_settings()
    assert settings.storage_api() is None
    assert settings.auth_admin() is not None
