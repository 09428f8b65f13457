"""SchedulerErrorCode: the stable codes the scheduler's own refusals carry (calendar feeds, the policy)."""

from enum import StrEnum


class SchedulerErrorCode(StrEnum):
    CALENDAR_NOT_FOUND = "calendar_not_found"
    NOT_FEED_OWNER = "not_feed_owner"
    UNKNOWN_FIELD = "unknown_field"
