"""Owner-scoped records: each user reaches only their own, through a resource's `Records`.

A record that belongs to someone else is as missing as one that does not exist (404). Lists
are pages in a whitelisted order with their total in the same statement; writes check the
record's ETag and version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, NoReturn, TypeVar

from flask import current_app
from flask_smorest import abort
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from libs.auth.bearer import confirm_caller, current_user_id
from libs.db.columns import utcnow
from libs.db.connections import read_in_autocommit
from libs.web.etags import CHANGED_MEANWHILE, require_current
from libs.web.pagination import Page, offset

ModelT = TypeVar("ModelT")
SETTING = "DB_AUTOCOMMIT_READS"


def contains(text: str) -> str:
    """An ILIKE pattern matching text that contains `text`, with its % and _ taken literally."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


class Records(Generic[ModelT]):
    """The current caller's records of `model`.

    `sorts` maps each allowed `sort` argument ("name", "-name") to its column; the id breaks
    ties the same way, so that pages never overlap or skip a record. `search` names the
    string column the list's filter of the same name matches, ignoring case.
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
        # Any: a declarative model class, whose columns mypy cannot see on a type variable.
        self.model: Any = model
        self.label = label
        self.sort_columns = sort_columns
        self.search = search

    @property
    def sort_keys(self) -> tuple[str, ...]:
        """Every `sort` argument allowed: each column ascending, then descending."""
        return tuple(key for column in self.sort_columns for key in (column, f"-{column}"))

    def _owned(self) -> list[ColumnElement[bool]]:
        return [self.model.owner_id == current_user_id()]

    def _filters(self, query: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        conditions = self._owned()
        if self.search is not None and query.get(self.search) is not None:
            column = getattr(self.model, self.search)
            conditions.append(column.ilike(contains(query[self.search]), escape="/"))
        return conditions

    def _ordering(self, sort: str) -> tuple[ColumnElement[Any], ...]:
        column = getattr(self.model, sort.removeprefix("-"))
        identity = self.model.id
        if sort.startswith("-"):
            return column.desc(), identity.desc()
        return column.asc(), identity.asc()

    def _reading(self) -> None:
        if current_app.config.get(SETTING, True):
            read_in_autocommit(self.db.session())

    def page(self, query: Mapping[str, Any]) -> Page:
        """One page of the caller's records in `query`'s order and filter, and their total."""
        self._reading()
        conditions = self._filters(query)
        counting = select(func.count()).select_from(self.model).where(*conditions)
        statement: Select[Any] = (
            select(self.model, counting.scalar_subquery().label("total"))
            .where(*conditions)
            .order_by(*self._ordering(query["sort"]))
            .offset(offset(query["page"], query["page_size"]))
            .limit(query["page_size"])
        )
        rows = self.db.session.execute(statement).all()
        if rows:
            count = rows[0].total
        else:  # past the last page, or nothing at all: only the count can say
            count = self.db.session.scalar(counting)
            if not count:
                confirm_caller()  # no record proved the caller exists
        return Page([row[0] for row in rows], count, query["page"], query["page_size"])

    def get_or_404(self, record_id: int) -> ModelT:
        """The caller's record `record_id`, to read."""
        self._reading()
        return self._find_or_404(record_id)

    def _find_or_404(self, record_id: int) -> ModelT:
        statement = select(self.model).where(self.model.id == record_id, *self._owned())
        record: ModelT | None = self.db.session.scalar(statement)
        if record is None:
            self._missing(record_id)
        return record

    def _missing(self, record_id: int) -> NoReturn:
        confirm_caller()  # 401 rather than 404 when the caller's account is gone
        abort(404, message=f"{self.label} {record_id} not found.")
        raise AssertionError("unreachable: abort raises")

    def create(self, data: Mapping[str, Any]) -> ModelT:
        """Store a new record owned by the caller."""
        record: ModelT = self.model(**data, owner_id=current_user_id())
        self.db.session.add(record)
        try:
            self.db.session.commit()
        except IntegrityError:
            # Where records reference their owner: the owner is gone (else a 409 follows).
            self.db.session.rollback()
            confirm_caller()
            raise
        return record

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
