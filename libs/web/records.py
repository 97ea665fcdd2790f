"""Owner-scoped records: each user reaches only their own, through a resource's `Records`.

A record that belongs to someone else is as missing as one that does not exist (404). Reads
return rows (columns by name, no ORM objects to build); lists are pages in a whitelisted order
with their total in the same statement; a create is one INSERT ... RETURNING the new row;
updates and deletes load ORM objects, checked against the record's ETag and version.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Generic, NoReturn, TypeVar, cast

from flask import current_app
from flask_smorest import abort
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ColumnElement, Select, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from libs.auth.bearer import confirm_caller, current_user_id
from libs.db.columns import utcnow
from libs.db.connections import read_in_autocommit
from libs.web.etags import CHANGED_MEANWHILE, require_current
from libs.web.pagination import Page, offset

ModelT = TypeVar("ModelT")
SETTING = "DB_AUTOCOMMIT_READS"
# The label of the total beside each row of a page; field names cannot start with "_".
TOTAL = "_page_total"
# The version the ORM gives a new row of a versioned mapper (`version_id_col`).
FIRST_VERSION = 1


def contains(text: str) -> str:
    """An ILIKE pattern matching text that contains `text`, with its % and _ taken literally."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


class Records(Generic[ModelT]):
    """The current caller's records of `model`.

    `sort_columns` are the columns a list may be sorted by (`sort=name`, or `sort=-name` for
    descending); the id breaks ties the same way, so that pages never overlap or skip a record.
    `search` names the string column the list's filter of the same name matches, ignoring case.
    """

    def __init__(
        self,
        db: SQLAlchemy,
        model: type[ModelT],
        *,
        label: str,
        sort_columns: tuple[str, ...],
        search: str | None = None,
    ) -> None:
        self.db = db
        # A declarative model class, whose columns mypy cannot see on a type variable.
        self.model: Any = model
        table: Any = model.__table__  # type: ignore[attr-defined]
        self.label = label
        self.sort_columns = sort_columns
        self.search = search
        # Built once, with bound parameters: building a statement and its cache key on every
        # request cost more than running it.
        owned = (table.c.id == bindparam("record_id"), table.c.owner_id == bindparam("owner_id"))
        self._one_row = select(table).where(*owned)
        self._one_object = select(self.model).where(*owned)
        # A new record has no version to check: the ORM's unit of work would buy nothing.
        self._insert = insert(table).returning(*table.c)
        self._statements = cache(self._page_statements)

    @property
    def sort_keys(self) -> tuple[str, ...]:
        """Every `sort` argument allowed: each column ascending, then descending."""
        return tuple(key for column in self.sort_columns for key in (column, f"-{column}"))

    def _reading(self) -> None:
        if current_app.config.get(SETTING, True):
            read_in_autocommit(self.db.session())

    def _ordering(self, sort: str) -> tuple[ColumnElement[Any], ...]:
        columns = self.model.__table__.c
        column = columns[sort.removeprefix("-")]
        if sort.startswith("-"):
            return column.desc(), columns.id.desc()
        return column.asc(), columns.id.asc()

    def _page_statements(self, sort: str, filtered: bool) -> tuple[Select[Any], Select[Any]]:
        """The page (rows and, as `_page_total`, the total) and the count alone."""
        columns = self.model.__table__.c
        conditions = [columns.owner_id == bindparam("owner_id")]
        if filtered:
            conditions.append(columns[self.search].ilike(bindparam("pattern"), escape="/"))
        counting = select(func.count()).select_from(self.model.__table__).where(*conditions)
        page = (
            select(self.model.__table__, counting.scalar_subquery().label(TOTAL))
            .where(*conditions)
            .order_by(*self._ordering(sort))
            .offset(bindparam("offset"))
            .limit(bindparam("limit"))
        )
        return page, counting

    def page(self, query: Mapping[str, Any]) -> Page:
        """One page of the caller's records in `query`'s order and filter, and their total."""
        self._reading()
        filtered = self.search is not None and query.get(self.search) is not None
        page, counting = self._statements(query["sort"], filtered)
        parameters = {
            "owner_id": current_user_id(),
            "offset": offset(query["page"], query["page_size"]),
            "limit": query["page_size"],
            "pattern": contains(query[self.search]) if self.search and filtered else None,
        }
        rows = self.db.session.execute(page, parameters).mappings().all()
        if rows:
            count = rows[0][TOTAL]
        else:  # past the last page, or nothing at all: only the count can say
            count = self.db.session.scalar(counting, parameters)
            if not count:
                confirm_caller()  # no record proved the caller exists
        return Page(list(rows), count, query["page"], query["page_size"])

    def get_or_404(self, record_id: int) -> Mapping[str, Any]:
        """The caller's record `record_id`, to read: its columns by name."""
        self._reading()
        parameters = {"record_id": record_id, "owner_id": current_user_id()}
        row = self.db.session.execute(self._one_row, parameters).mappings().first()
        if row is None:
            self._missing(record_id)
        return cast(Mapping[str, Any], row)

    def _find_or_404(self, record_id: int) -> ModelT:
        parameters = {"record_id": record_id, "owner_id": current_user_id()}
        record: ModelT | None = self.db.session.scalar(self._one_object, parameters)
        if record is None:
            self._missing(record_id)
        return record

    def _missing(self, record_id: int) -> NoReturn:
        confirm_caller()  # 401 rather than 404 when the caller's account is gone
        abort(404, message=f"{self.label} {record_id} not found.")
        raise AssertionError("unreachable: abort raises")

    def create(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Store a new record owned by the caller; its columns by name, as stored."""
        values = {**data, "owner_id": current_user_id(), "version": FIRST_VERSION}
        try:
            row = self.db.session.execute(self._insert, values).mappings().one()
            self.db.session.commit()
        except IntegrityError:
            # Where records reference their owner: the owner is gone (else a 409 follows).
            self.db.session.rollback()
            confirm_caller()
            raise
        return cast(Mapping[str, Any], row)

    def update(self, record_id: int, data: Mapping[str, Any]) -> ModelT:
        """Write `data` over the caller's record; 428 or 412 unless If-Match names its version."""
        record = self._find_or_404(record_id)
        require_current(record)
        for field, value in data.items():
            setattr(record, field, value)
        # Always write, so every update is checked against, and bumps, the version.
        setattr(record, "updated_at", utcnow())  # noqa: B010  # any model's column
        self._commit_or_412()
        return record

    def delete(self, record_id: int) -> None:
        """Delete the caller's record; 428 or 412 unless If-Match names its version."""
        record = self._find_or_404(record_id)
        require_current(record)
        self.db.session.delete(record)
        self._commit_or_412()

    def _commit_or_412(self) -> None:
        try:
            self.db.session.commit()
        except StaleDataError:
            self.db.session.rollback()
            abort(412, message=CHANGED_MEANWHILE)
