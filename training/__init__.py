"""Records modules, completions (CSAS course and assessment included), bookings, power prerequisites."""
