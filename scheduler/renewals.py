"""What counts as the renewal of an expiring item, and from which day (domain.md §8a). Pure.

One notion for every kind of item, judged from the records however they were entered (page, API, import,
demo): no link to the item is needed. A record counts from the earlier of the day it was entered and the day it
is dated, so asked about a day before that, the item is not renewed: history stays true.
"""

from __future__ import annotations

import datetime as dt

from register.facts import AccreditationFact, KitFact
from scheduler.policy import Policy
from training.facts import BookingFact, ModuleFact
from vetting.facts import ApplicationFact, ClearanceFact


def _alive(stopped_on: dt.date | None, day: dt.date) -> bool:
    return stopped_on is None or day < stopped_on


def clearance_renewal(clearance: ClearanceFact, day: dt.date, policy: Policy) -> ApplicationFact | None:
    """Any application at an accepted level requested after the clearance was granted (early is fine) and, on
    `day`, not refused, withdrawn or discontinued: if it is, the step is open again."""
    for application in clearance.later_applications:
        if (application.application_id != clearance.application_id
                and application.level_code in policy.accepted_vetting_levels
                and clearance.granted_on <= application.requested_on <= day
                and _alive(application.stopped_on, day)):
            return application
    return None


def module_renewal(module: ModuleFact, day: dt.date) -> BookingFact | None:
    """A place booked on the module starting before it expires, counted by `day`. (A newer pass needs no rule
    here: from the day it counts, it is the module's counting pass and the old expiry is no longer planned.)"""
    for booking in module.bookings:
        if booking.counted_from <= day and module.completed_on <= booking.starts_on and (
                module.expires_on is None or booking.starts_on < module.expires_on):
            return booking
    return None


def is_known(accreditation: AccreditationFact, day: dt.date) -> bool:
    return accreditation.counted_from <= day


def accreditation_renewal(
    accreditation: AccreditationFact, accreditations: tuple[AccreditationFact, ...], day: dt.date,
) -> AccreditationFact | None:
    """A later accreditation for the officer from the same force, whatever day it starts, known by `day` and not
    withdrawn by then."""
    for other in accreditations:
        if (other.force_id == accreditation.force_id and is_known(other, day)
                and (other.granted_on, other.accreditation_id) > (accreditation.granted_on,
                                                                  accreditation.accreditation_id)
                and (other.ended_on is None or other.ended_on > max(day, other.granted_on))):
            return other
    return None


def kit_replacement(item: KitFact, kit: tuple[KitFact, ...], day: dt.date) -> KitFact | None:
    """The same kit type issued to the officer after the item, by `day`."""
    for other in kit:
        if (other.kit_type_code == item.kit_type_code and other.issued_on <= day
                and (other.issued_on, other.issue_id) > (item.issued_on, item.issue_id)):
            return other
    return None
