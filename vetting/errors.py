from enum import StrEnum


class VettingErrorCode(StrEnum):
    LEVEL_NOT_FOUND = "vetting_level_not_found"
    APPLICATION_NOT_FOUND = "vetting_application_not_found"
    DECLARATION_NOT_FOUND = "declaration_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    INFO_ALREADY_REQUESTED = "info_already_requested"
    APPEAL_WINDOW_CLOSED = "appeal_window_closed"
    DATE_BEFORE_LAST_EVENT = "date_before_last_event"
    DATE_BEFORE_REQUEST = "date_before_request"
    ALREADY_ACKNOWLEDGED = "declaration_already_acknowledged"
    OUT_OF_SCOPE = "out_of_scope"
    UNKNOWN_LEVEL = "unknown_level"
    NOT_A_GRANT = "not_a_grant"
    OVERRIDE_REASON_REQUIRED = "override_reason_required"
    FUTURE_DATE = "future_date"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_CLEARANCE = "not_a_clearance"
