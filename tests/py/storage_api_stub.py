"""A stand-in for Supabase Storage's object removal, for testing where no Storage server
exists: `DELETE /storage/v1/object/<bucket>` with `{"prefixes": [...]}` and the
service-role key as a Bearer token, answered with the removed objects, as the Storage
API answers. It removes the rows the way the local stand-in lets the Storage API
(`LocalFileStore`); every request it accepts is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from worker.files import LocalFileStore


class Removal(BaseModel):
    prefixes: list[str]


@dataclass
class StorageApiStub:
    database_url: str
    service_role_key: str
    removed: list[tuple[str, list[str]]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()
        rows = LocalFileStore(self.database_url)

        @app.delete("/storage/v1/object/{bucket}")
        def remove(
            bucket: str, removal: Removal, authorization: str = Header(default="")
        ) -> JSONResponse:
            if authorization != f"Bearer {self.service_role_key}":
                return JSONResponse(
                    {"statusCode": "403", "error": "Unauthorized", "message": "invalid signature"},
                    status_code=403,
                )
            rows.remove(bucket, removal.prefixes)
            self.removed.append((bucket, removal.prefixes))
            return JSONResponse([{"bucket_id": bucket, "name": name} for name in removal.prefixes])

        return app
