"""Removing order files the platform must not keep: those of orders cancelled before any
delivery. Supabase refuses direct SQL deletes from storage.objects (the bytes live
outside the database), so files go through the Storage API with the service role,
whichever way the worker reaches the database (`runtime.file_store`). SQL says what to
remove (`order_files_to_remove`) and marks an order done once nothing is left, so a
failed pass is simply retried on the next one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

import httpx
import psycopg
from storage3 import SyncStorageClient
from storage3.exceptions import StorageApiError, StorageException

from worker import errors
from worker.db import Database

log = logging.getLogger("gigflow.files")

ORDER_FILES_BUCKET = "order-files"


class FileStore(Protocol):
    def remove(self, bucket: str, paths: Sequence[str]) -> None:
        """Delete these objects (and their bytes); raise errors.Unavailable on failure."""
        ...


class SupabaseFileStore:
    """Supabase Storage through supabase-py's storage client, with the service role."""

    def __init__(
        self, supabase_url: str, service_role_key: str, *, http_client: httpx.Client | None = None
    ) -> None:
        self._client = SyncStorageClient(
            supabase_url.rstrip("/") + "/storage/v1/",
            {"apikey": service_role_key, "Authorization": f"Bearer {service_role_key}"},
            http_client=http_client,
        )

    def remove(self, bucket: str, paths: Sequence[str]) -> None:
        try:
            self._client.from_(bucket).remove(list(paths))
        except (StorageApiError, StorageException, httpx.HTTPError) as error:
            raise errors.Unavailable(f"Supabase Storage refused the removal: {error}") from error


class LocalFileStore:
    """Development only (GIGFLOW_ENVIRONMENT=development without the Storage API): the
    local stand-in has no object bytes, so removing a file is what the Storage API does
    to the database, the delete its setting lets through."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url

    def remove(self, bucket: str, paths: Sequence[str]) -> None:
        try:
            with (
                psycopg.connect(self._database_url, prepare_threshold=None) as conn,
                conn.transaction(),
            ):
                conn.execute("set local role service_role")
                conn.execute("set local storage.allow_delete_query = 'true'")
                conn.execute(
                    "delete from storage.objects where bucket_id = %s and name = any(%s)",
                    (bucket, list(paths)),
                )
        except psycopg.Error as error:
            raise errors.Unavailable(f"could not remove files: {error}") from error


def remove_cancelled_order_files(db: Database, store: FileStore, *, batch: int = 200) -> int:
    """One pass: remove what SQL lists; the number of files removed."""
    rows = db.rpc("order_files_to_remove", {"max_files": batch})
    paths = [row["path"] for row in rows]
    if paths:
        store.remove(ORDER_FILES_BUCKET, paths)
        log.info("order files removed", extra={"files": len(paths)})
    return len(paths)
