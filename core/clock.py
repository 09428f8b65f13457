"""The business clock: 'today' is the date in the force's timezone, computed once per request or sweep."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.settings import get_settings


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def business_today(timezone: str | None = None) -> dt.date:
    tz = ZoneInfo(timezone or get_settings().timezone)
    return dt.datetime.now(tz).date()
