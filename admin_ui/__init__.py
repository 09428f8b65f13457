"""The pages people use: HTML forms and views over the domain services (PDFs and spreadsheets are reports/)."""
