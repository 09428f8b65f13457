"""Everything made for people to read: PDFs (fpdf2, DejaVu Sans) and charts (matplotlib, Agg)."""
