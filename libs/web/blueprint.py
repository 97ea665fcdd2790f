"""The Blueprint a resource uses: flask-smorest's, reading JSON bodies safely."""

from __future__ import annotations

import flask_smorest

from libs.web.json_body import JSONBodyParser


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose arguments parser answers 400 for any unreadable JSON."""

    ARGUMENTS_PARSER = JSONBodyParser()
