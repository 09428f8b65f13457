"""HTTP routes for PDFs, exports and imports (issue 8)."""

ROUTE_HANDLERS: list[type] = []
