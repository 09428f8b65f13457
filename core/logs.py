"""Keeps secrets out of logs. Calendar feeds are read by calendar apps that cannot send headers, so their token
travels in the URL path, and the server's access log would otherwise write it down for anyone who reads logs."""

from __future__ import annotations

import logging
import re

SECRET_IN_PATH = re.compile(r"(/api/calendars/)[^/?\s]+?(\.ics)")
REDACTED = r"\1[redacted]\2"


def redact(text: str) -> str:
    return SECRET_IN_PATH.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_redaction() -> None:
    """Idempotent: create_app may run more than once in a process (tests)."""
    for name in ("uvicorn.access", "uvicorn.error", "csas"):
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecrets) for existing in target.filters):
            target.addFilter(RedactSecrets())
