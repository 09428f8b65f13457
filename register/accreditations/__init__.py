"""Accreditations and designated powers: their rules, use cases, schemas and routes."""
