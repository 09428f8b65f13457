"""Records the facts: forces, employers and their scheme arrangements, teams, officers, accreditations,
designated powers, uniform and kit issue."""
