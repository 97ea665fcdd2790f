"""Extension objects, created here and bound to the app in `create_app`."""

from libs.db.models import create_db

db = create_db()
