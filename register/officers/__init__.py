"""Forces, employers and their scheme arrangements, teams and officers: their rules, use cases, schemas, routes."""
