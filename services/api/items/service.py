"""Reading and writing items: each user reaches only their own."""

from __future__ import annotations

from libs.web.records import Records
from services.api.extensions import db
from services.api.items.models import Item

items = Records(db, Item, label="Item", sort_columns=("name", "created_at"), search="name")
