"""Records vetting levels, applications and clearances, declarations; guards who sees what."""
