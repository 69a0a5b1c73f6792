"""Outsider finding: an operator starting `gigflow serve` with an empty environment is
told about every variable it lacks, not one per attempt."""

from __future__ import annotations

import os

import pytest

from worker.settings import SettingsError, load_settings


def test_an_empty_environment_names_every_missing_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Field errors stop validation before the model's checks run, so the first attempt
    # names only GIGFLOW_WHOP_API_KEY and GIGFLOW_WHOP_PLATFORM_COMPANY_ID; the database
    # URL, the JWT secret and (in production) the Supabase URL and service key come out
    # one restart at a time.
    for name in list(os.environ):
        if name.startswith("GIGFLOW_"):
            monkeypatch.delenv(name)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    unnamed = [
        name
        for name in (
            "GIGFLOW_WHOP_API_KEY",
            "GIGFLOW_WHOP_PLATFORM_COMPANY_ID",
            "GIGFLOW_DATABASE_URL",
            "GIGFLOW_JWT_SECRET",
            "GIGFLOW_SUPABASE_URL",
            "GIGFLOW_SUPABASE_SERVICE_ROLE_KEY",
        )
        if name not in message
    ]
    assert not unnamed, f"missing but not named: {unnamed}\n{message}"
