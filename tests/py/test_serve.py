"""`gigflow serve`, the production entry point, as an operator starts it."""

from __future__ import annotations

import gc
import os
from typing import Any

import pytest

from tests.py.worker_process import worker_environment
from worker import cli


def test_serve_keeps_what_start_up_built_out_of_every_collection(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full collection that walks the modules, the app and its models holds the event
    # loop for tens of milliseconds, in the middle of answering webhooks.
    for name in [name for name in os.environ if name.startswith("GIGFLOW_")]:
        monkeypatch.delenv(name)
    for name, value in worker_environment(db_url).items():
        monkeypatch.setenv(name, value)
    frozen_when_serving: list[int] = []

    def serve_nothing(*_: Any, **__: Any) -> None:
        frozen_when_serving.append(gc.get_freeze_count())

    monkeypatch.setattr(cli.uvicorn, "run", serve_nothing)
    try:
        assert cli.main(["serve", "--port", "0"]) == 0
    finally:
        gc.unfreeze()
    assert len(frozen_when_serving) == 1
    assert frozen_when_serving[0] > 0
