"""Judges and plans: compliance, re-accreditation plans, the daily sweep, reminders, calendar feeds."""
