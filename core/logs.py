"""Keeps secrets out of logs, and the address of whoever checks an ID card (issue 20). Calendar feeds are read by
calendar apps that cannot send headers, so their token travels in the URL path, and the server's access log (or
an error's message or traceback) would otherwise write it down for anyone who reads logs.

Redaction happens where every log record is made (the record factory), not in a filter on chosen loggers: a
logger's filter misses records of its children (`csas.http`), Litestar's own `litestar` logger, and loggers that
handlers are attached to after start-up."""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED_SEGMENT = "[redacted]"
# Whatever follows /api/calendars/ is a feed token, whatever its length or case of suffix (.ics, .ICS or none).
_CALENDAR_FEED = re.compile(r"(/api/calendars/)[^/?#\s\"']+?((?i:\.ics)?)(?=[/?#\s\"']|$)")
# A card check's token (issue 20): shorter than a feed's, and whose card was checked is no log's business.
_CARD_CHECK = re.compile(r"(/verify/)[^/?#\s\"']+")
# uvicorn's access log line: (client address, method, path, HTTP version, status).
ACCESS_LOGGER = "uvicorn.access"
HIDDEN_ADDRESS = "-"
# Any other token-shaped path segment: a long run of URL-safe characters (secrets.token_urlsafe(32) makes 43; no
# route of the app has a literal segment this long), so a token-bearing path added later is covered too.
_TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_%-]{32,}(?=[./?#;\s\"']|$)")


def redact(text: str) -> str:
    if "/" not in text:  # most log messages: no path, no work
        return text
    text = _CALENDAR_FEED.sub(rf"\1{REDACTED_SEGMENT}\2", text)
    text = _CARD_CHECK.sub(rf"\1{REDACTED_SEGMENT}", text)
    return _TOKEN_SEGMENT.sub(REDACTED_SEGMENT, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if not isinstance(value, int | float | type(None)):  # a URL object, an error whose message names the path
        text = str(value)
        cleaned = redact(text)
        return cleaned if cleaned != text else value
    return value


def _hide_card_checker(record: logging.LogRecord) -> None:
    """Who checks a card is a member of the public: their address is not written beside the check (issue 20)."""
    args = record.args
    if record.name == ACCESS_LOGGER and isinstance(args, tuple) and len(args) >= 3 \
            and str(args[2]).startswith("/verify/"):
        record.args = (HIDDEN_ADDRESS, *args[1:])


def redact_record(record: logging.LogRecord) -> None:
    _hide_card_checker(record)
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    else:
        record.msg = _redact_value(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_value(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _redact_value(arg) for key, arg in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        # Formatters print exc_text when it is set: the traceback, formatted once here, with paths redacted.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))


class RedactSecrets(logging.Filter):
    """The same redaction as a filter, for a handler or logger configured outside this process's start-up."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_redaction() -> None:
    """Idempotent: create_app may run more than once in a process (tests)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_secrets", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    make_record.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
