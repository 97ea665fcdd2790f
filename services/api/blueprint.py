"""The Blueprint every resource uses: flask-smorest's, with bearer auth, page links, safe JSON."""

from __future__ import annotations

from flask import request
from flask_smorest.exceptions import NotModified

from libs.web.json_body import JSONBodyParser
from services.api.auth.bearer import AuthBlueprint
from services.api.pagination import PaginationBlueprint


class Blueprint(AuthBlueprint, PaginationBlueprint):
    """A flask-smorest Blueprint with `auth_required`, `Link` headers and ETags on 304."""

    ARGUMENTS_PARSER = JSONBodyParser()

    def _check_not_modified(self, etag: str) -> None:
        # RFC 9110 (15.4.5): a 304 carries the ETag that a 200 would have had.
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            not_modified = NotModified()
            not_modified.data = {"headers": {"ETag": f'"{etag}"'}}
            raise not_modified
