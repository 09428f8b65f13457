"""Uniform and kit (catalogue, issues, inspections, returns, recovery tasks): its rules, use cases, schemas, routes."""
