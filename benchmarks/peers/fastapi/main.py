"""The peer's app: `uvicorn benchmarks.peers.fastapi.main:app --workers N`."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from benchmarks.peers.fastapi.problems import register_problem_handlers
from benchmarks.peers.fastapi.routes import items

API_V1_STR = "/api/v1"

api_router = APIRouter()
api_router.include_router(items.router)

app = FastAPI(title="items-api peer", openapi_url=f"{API_V1_STR}/openapi.json")
register_problem_handlers(app)
app.include_router(api_router, prefix=API_V1_STR)


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}
