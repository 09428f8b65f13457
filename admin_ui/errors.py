"""AdminErrorCode: the stable codes of refusals only the pages make."""

from enum import StrEnum


class AdminErrorCode(StrEnum):
    NO_OFFICER_RECORD = "no_officer_record"
