"""The /api/v1/items endpoints the benchmark measures: get one, a page, create."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlmodel import col, func, select

from benchmarks.peers.fastapi.deps import CurrentUser, SessionDep
from benchmarks.peers.fastapi.models import NAME_MAX_LENGTH, Item, ItemCreate, ItemPublic, utcnow
from benchmarks.peers.fastapi.pagination import PageDep, set_page_headers

router = APIRouter(prefix="/items", tags=["items"])

# Item ids are PostgreSQL integers: a larger id names no item.
MAX_ID = 2**31 - 1
Sort = Literal["name", "-name", "created_at", "-created_at"]


def etag(item: Item) -> str:
    """The API's ETag of an item: it changes with the item's version."""
    return '"' + hashlib.sha256(f"{item.id}:{item.version}".encode()).hexdigest()[:32] + '"'


def ordering(sort: Sort) -> tuple[Any, ...]:
    """ORDER BY for a sort key; the id breaks ties the same way, so pages never overlap."""
    key = col(Item.name) if sort.lstrip("-") == "name" else col(Item.created_at)
    if sort.startswith("-"):
        return key.desc(), col(Item.id).desc()
    return key.asc(), col(Item.id).asc()


@router.get("", response_model=list[ItemPublic])
def read_items(
    request: Request,
    response: Response,
    session: SessionDep,
    current_user: CurrentUser,
    page: PageDep,
    sort: Sort = "created_at",
    name: Annotated[str | None, Query(min_length=1, max_length=NAME_MAX_LENGTH)] = None,
) -> Any:
    """List your items."""
    mine = col(Item.owner_id) == current_user.id
    conditions = [mine] if name is None else [mine, col(Item.name).icontains(name, autoescape=True)]
    total = session.exec(select(func.count()).select_from(Item).where(*conditions)).one()
    items = session.exec(
        select(Item)
        .where(*conditions)
        .order_by(*ordering(sort))
        .offset(page.offset)
        .limit(page.page_size)
    ).all()
    set_page_headers(request, response, page, total)
    return items


@router.get("/{item_id}", response_model=ItemPublic)
def read_item(
    item_id: int, response: Response, session: SessionDep, current_user: CurrentUser
) -> Any:
    """Get one of your items."""
    item = None
    if item_id <= MAX_ID:
        item = session.exec(
            select(Item).where(Item.id == item_id, Item.owner_id == current_user.id)
        ).first()
    if item is None:
        raise HTTPException(status_code=404, detail=f"Item {item_id} not found.")
    response.headers["ETag"] = etag(item)
    return item


@router.post("", response_model=ItemPublic, status_code=status.HTTP_201_CREATED)
def create_item(
    *,
    request: Request,
    response: Response,
    session: SessionDep,
    current_user: CurrentUser,
    item_in: ItemCreate,
) -> Any:
    """Create an item."""
    now = utcnow()
    item = Item.model_validate(
        item_in, update={"owner_id": current_user.id, "created_at": now, "updated_at": now}
    )
    session.add(item)
    session.commit()
    session.refresh(item)
    response.headers["Location"] = request.url_for("read_item", item_id=item.id).path
    response.headers["ETag"] = etag(item)
    return item
