"""The pages people use, and everything made for people to read: PDFs, charts, spreadsheets, imports."""
