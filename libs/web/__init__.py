"""What every Flask service shares: problem+json errors, request ids, access log, metrics, headers.

Import from the modules (`libs.web.errors`, `libs.web.metrics`, ...): each has one job.
"""
