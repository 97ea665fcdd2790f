"""The database kit every service builds on: models, engine, migrations and readiness.

Import from the modules: `libs.db.models`, `libs.db.columns`, `libs.db.setup`,
`libs.db.migrations`, `libs.db.readiness`.
"""
