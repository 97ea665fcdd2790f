"""`python -m tools.scaffold new-service NAME --resource SINGULAR`."""

from tools.scaffold.cli import main

raise SystemExit(main())
