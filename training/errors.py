from enum import StrEnum


class TrainingErrorCode(StrEnum):
    MODULE_NOT_FOUND = "module_not_found"
    UNKNOWN_MODULE = "unknown_module"
    UNKNOWN_POWER = "unknown_power"
    BOOKING_NOT_FOUND = "booking_not_found"
    BOOKING_NOT_OPEN = "booking_not_open"
    ALREADY_BOOKED = "already_booked"
    INVALID_RESULT = "invalid_result"
    COMPLETED_IN_FUTURE = "completed_in_future"
    OVERRIDE_REASON_REQUIRED = "override_reason_required"
    EXPIRY_NOT_AFTER_COMPLETION = "expiry_not_after_completion"
    NO_EXPIRY_WITHOUT_PASS = "no_expiry_without_pass"
    ATTENDED_BEFORE_START = "attended_before_start"
    INVALID_VALIDITY = "invalid_validity"
    MATRIX_SCOPE_REQUIRED = "matrix_scope_required"
    INVALID_WARNING_DAYS = "invalid_warning_days"
    TRAINING_REQUIRED = "training_required"
    OUT_OF_SCOPE = "out_of_scope"
