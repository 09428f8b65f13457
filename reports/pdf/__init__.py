"""The PDFs, drawn with fpdf2 and DejaVu Sans: the officer's record, the ID card and the compliance pack."""
