"""Throttling a public route per client address, without keeping the address (issue 20's card checks).

The mechanism is the "forgotten your password" throttle's (core.accounts): recent requests are rows in the
database, so every app instance counts the same requests, and the limit-th most recent one inside the window says
when the next is allowed. Unlike that table, this one holds a keyed hash of the address and the bucket, never the
address, and only for the window: whoever reads the database cannot tell who asked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math

from core.clock import now_utc
from core.db import write_transaction
from core.errors import CoreErrorCode, TooManyRequests
from core.settings import get_settings
from core.tables import ThrottledRequest


def client_key(bucket: str, client_ip: str) -> str:
    """The address as the table keeps it: an HMAC under the installation's secret key, per bucket."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{bucket}\n{client_ip}".encode(), hashlib.sha256).hexdigest()


async def count_request(bucket: str, client_ip: str, limit: int, window: dt.timedelta,
                        now: dt.datetime | None = None) -> None:
    """Counts one request from the address, or refuses it (429 too_many_requests, Retry-After in seconds) when the
    address made `limit` in the last `window`. A refused request is not counted, so waiting is always enough."""
    now = now or now_utc()
    key = client_key(bucket, client_ip)
    since = now - window
    async with write_transaction():
        oldest_counted = await ThrottledRequest.select(ThrottledRequest.at).where(
            (ThrottledRequest.client_key == key) & (ThrottledRequest.bucket == bucket)
            & (ThrottledRequest.at > since)
        ).order_by(ThrottledRequest.at, ascending=False).offset(limit - 1).first()
        if oldest_counted is not None:
            seconds = max(1, math.ceil((oldest_counted["at"] + window - now).total_seconds()))
            raise TooManyRequests(CoreErrorCode.TOO_MANY_REQUESTS,
                                  f"Too many checks from your address. Try again in {seconds} seconds.",
                                  retry_after=seconds)
        await ThrottledRequest.delete().where((ThrottledRequest.bucket == bucket) & (ThrottledRequest.at <= since))
        await ThrottledRequest.insert(ThrottledRequest(bucket=bucket, client_key=key, at=now))
