from enum import StrEnum


class RegisterErrorCode(StrEnum):
    FORCE_NOT_FOUND = "force_not_found"
    ORGANISATION_NOT_FOUND = "organisation_not_found"
    TEAM_NOT_FOUND = "team_not_found"
    OFFICER_NOT_FOUND = "officer_not_found"
    DUPLICATE_FORCE_CODE = "duplicate_force_code"
    DUPLICATE_STAFF_NUMBER = "duplicate_staff_number"
    OFFICER_ALREADY_LEFT = "officer_already_left"
    TEAM_NOT_IN_ORGANISATION = "team_not_in_organisation"
    OUT_OF_SCOPE = "out_of_scope"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    POWER_NOT_FOUND = "power_not_found"
