"""Everything made to be read or loaded in bulk: PDFs, charts, spreadsheet exports and imports, their /api routes."""
