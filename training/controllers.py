"""HTTP routes of this domain."""

ROUTE_HANDLERS: list[type] = []
