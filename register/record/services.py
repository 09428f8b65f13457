"""Register's part of an officer's record: accreditations with powers and events, kit with inspections, open
recovery tasks, and the officer's history in date order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.access import Principal, Role, require_role
from register.accreditations import services as accreditations
from register.kit import services as kit
from register.officers.services import get_officer, officer_status

# Vetting staff read officers' records too (issue 7: they work from them); they change only vetting.
RECORD_ROLES = (Role.CSAS_COORDINATOR, Role.VETTING_OFFICER, Role.HR, Role.MANAGER, Role.OFFICER)


async def officer_record(actor: Principal, officer_id: int, today: dt.date) -> dict[str, Any]:
    require_role(actor, *RECORD_ROLES, action="read officers' records")
    officer = await get_officer(actor, officer_id)
    accs = await accreditations.list_for_officer(officer_id, today)
    issues = await kit.list_for_officer(officer_id)
    numbers = {a["id"]: a["number"] for a in accs}
    history: list[dict[str, Any]] = []
    for acc in accs:
        for e in acc["events"]:
            subject = f"accreditation {numbers[acc['id']]}" + (f" {e['power_code']}" if e["power_code"] else "")
            history.append({"on": e["on"], "kind": f"accreditation.{e['kind']}", "subject": subject,
                            "reason": e["reason"], "actor": e["actor"], "recorded_at": e["recorded_at"]})
    for e in await kit.events_for_officer(officer_id):
        history.append({"on": e["effective_on"], "kind": f"kit.{e['kind']}", "subject": e["kit_type_code"],
                        "reason": e["note"], "actor": e["actor"], "recorded_at": e["recorded_at"]})
    history.sort(key=lambda e: (e["on"], e["recorded_at"]))
    return {
        "officer_id": officer_id,
        "name": f"{officer['given_name']} {officer['family_name']}",
        "status": officer_status(officer, today),
        "left_on": officer["left_on"],
        "as_of": today,
        "accreditations": accs,
        "kit_issues": issues,
        "open_recovery_tasks": [
            {"id": t["id"], "kit_issue_id": t["kit_issue"], "kit_type_code": t["kit_type_code"],
             "serial_number": t["serial_number"], "opened_on": t["opened_on"], "reason": t["reason"]}
            for t in await kit.open_recovery_for_officer(officer_id)
        ],
        "events": history,
    }
