"""The policy as stored: the scheduler's own values in PolicySetting, the rest owned by the domains (vetting
levels' renewal periods and CSAS acceptance, module validity, power prerequisites). GET/PUT /api/policy
show and change all of it in one place."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from core.access import Principal
from core.audit import record_audit
from core.cache import FingerprintCache
from core.db import write_transaction
from core.errors import CoreErrorCode, Violation, raise_if_violations
from register.kit import services as register_kit
from register.officers import services as register_services
from register.officers.employment import traffic_power_codes
from register.scope import require_installation_writer
from scheduler.errors import SchedulerErrorCode
from scheduler.outlook import CATALOGUE_STAMP_SQL
from scheduler.policy import LeadTimes, Names, Policy
from scheduler.tables import PolicySetting
from training import services as training_services
from training.rules import check_prerequisites, check_validity_months
from vetting import services as vetting_services
from vetting.errors import VettingErrorCode
from vetting.rules import check_level_update

SCHEDULER_KEY = "scheduler"
# The scheduler's own table among those whose rows feed every officer's judgement (with the domains'
# CATALOGUE_TABLES): a change gives the catalogue a new stamp (tests/scheduler/test_fact_tables.py).
CATALOGUE_TABLES = ("policy_setting",)
SCALARS = ("warning_days", "overdue_after_days", "manager_repeat_days", "coordinator_alert_days")
MAX_DAYS = 3660


async def _stored() -> dict[str, Any]:
    row = await PolicySetting.select(PolicySetting.value).where(PolicySetting.key == SCHEDULER_KEY).first()
    if row is None:
        return {}
    value = row["value"]
    loaded: dict[str, Any] = json.loads(value) if isinstance(value, str) else dict(value)
    return loaded


@dataclass(frozen=True)
class Catalogue:
    """What every judgement reads besides the officer's own facts: the policy and the traffic powers."""

    policy: Policy
    traffic_powers: frozenset[str]
    names: Names = field(default_factory=Names)


async def _load_names() -> Names:
    return Names(
        powers={p["code"]: p["title"] for p in await register_services.list_powers()},
        modules={m["code"]: m["title"] for m in await training_services.list_modules()},
        kit={k["code"]: k["title"] for k in await register_kit.list_kit_types()},
        levels={lv["code"]: lv["title"] for lv in await vetting_services.list_levels() if lv.get("title")},
    )


async def _build_catalogue() -> Catalogue:
    return Catalogue(policy=await _load_policy(), traffic_powers=await traffic_power_codes(),
                     names=await _load_names())


# The catalogue's stamp changes with any row the Catalogue is built from (database triggers, see
# scheduler/outlook.py): the cached Catalogue is reused until then, in this instance or another sharing the database.
_catalogue: FingerprintCache[Catalogue] = FingerprintCache(CATALOGUE_STAMP_SQL, _build_catalogue)


async def load_catalogue() -> Catalogue:
    """The policy and traffic powers as stored now: one cheap query, rebuilt only when the data changed."""
    return await _catalogue.get()


async def load_policy() -> Policy:
    return (await load_catalogue()).policy


async def _load_policy() -> Policy:
    stored = await _stored()
    levels = await vetting_services.list_levels()
    prerequisites = await training_services.prerequisites()
    lead_times = LeadTimes(**{**asdict(LeadTimes()), **stored.get("lead_times", {})})
    return Policy(
        **{k: stored[k] for k in SCALARS if k in stored},
        officer_reminder_days=tuple(stored.get("officer_reminder_days", Policy().officer_reminder_days)),
        lead_times=lead_times,
        accepted_vetting_levels=frozenset(level["code"] for level in levels if level.get("accepted_for_csas")),
        prerequisites={power: tuple(modules) for power, modules in prerequisites.items()},
    )


async def policy_document() -> dict[str, Any]:
    policy = await load_policy()
    levels = await vetting_services.list_levels()
    modules = await training_services.list_modules()
    return {
        **{k: getattr(policy, k) for k in SCALARS},
        "lead_times": asdict(policy.lead_times),
        "officer_reminder_days": list(policy.officer_reminder_days),
        "required_vetting_levels": sorted(policy.accepted_vetting_levels),
        "vetting_levels": [
            {"code": lv["code"], "renewal_months": lv["renewal_months"], "has_annual_review": lv["has_annual_review"],
             "accepted_for_csas": lv["accepted_for_csas"]}
            for lv in levels
        ],
        "module_validity": [{"code": m["code"], "validity_months": m["validity_months"]} for m in modules],
        "power_prerequisites": await training_services.list_prerequisites(),
    }


def _check_days(name: str, value: Any) -> list[Violation]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAYS:
        return [Violation(CoreErrorCode.INVALID_VALUE,
                          f"{name} must be a whole number of days from 0 to {MAX_DAYS}.", name)]
    return []


def check_scheduler_changes(changes: dict[str, Any]) -> list[Violation]:
    out: list[Violation] = []
    for name in SCALARS:
        if name in changes:
            out += _check_days(name, changes[name])
    if "manager_repeat_days" in changes and changes["manager_repeat_days"] == 0:
        out.append(Violation(CoreErrorCode.INVALID_VALUE,
                             "manager_repeat_days must be at least 1.", "manager_repeat_days"))
    lead_names = {f.name for f in fields(LeadTimes)}
    for name, value in (changes.get("lead_times") or {}).items():
        if name not in lead_names:
            out.append(Violation(SchedulerErrorCode.UNKNOWN_FIELD,
                                 f"Unknown lead time '{name}'.", f"lead_times.{name}"))
        else:
            out += _check_days(f"lead_times.{name}", value)
    if "officer_reminder_days" in changes:
        days = changes["officer_reminder_days"]
        if not isinstance(days, list):
            out.append(Violation(CoreErrorCode.INVALID_VALUE, "officer_reminder_days must be a list of days.",
                                 "officer_reminder_days"))
        else:
            for value in days:
                out += _check_days("officer_reminder_days", value)
    return out


async def check_policy_changes(changes: dict[str, Any]) -> None:
    """Refuses changes update_policy would refuse, with the same error, before anything is written: the
    scheduler's own values, then each section in the order update_policy applies it (the owning domains check
    again as they write)."""
    raise_if_violations(check_scheduler_changes(changes))
    if "required_vetting_levels" in changes:
        known = {level["code"] for level in await vetting_services.list_levels()}
        raise_if_violations([Violation(VettingErrorCode.UNKNOWN_LEVEL, f"No vetting level '{c}'.",
                                       "required_vetting_levels")
                             for c in sorted(set(changes["required_vetting_levels"] or []) - known)])
    for level in changes.get("vetting_levels") or []:
        await vetting_services.get_level(level["code"])
        raise_if_violations(check_level_update(level.get("renewal_months")))
    for module in changes.get("module_validity") or []:
        await training_services.get_module(module["code"])
        raise_if_violations(check_validity_months(module.get("validity_months")))
    if changes.get("power_prerequisites") is not None:
        powers = [p["code"] for p in await register_services.list_powers()]
        modules = [m["code"] for m in await training_services.list_modules()]
        raise_if_violations(check_prerequisites(
            [(p["power_code"], p["module_code"]) for p in changes["power_prerequisites"]], powers, modules))


async def update_policy(actor: Principal, changes: dict[str, Any]) -> dict[str, Any]:
    """Applies every section given, all or nothing, each change audited by the service that owns it.

    Every section applies to every force: an administrator's, or a coordinator's while their force is the only
    one (register.scope.require_installation_writer, which keeps api.md's "admin / coordinator" true for the
    one-force installation)."""
    await require_installation_writer(actor, action="change the policy")
    await check_policy_changes(changes)
    before = await policy_document()
    async with write_transaction():
        own = {k: v for k, v in changes.items() if k in (*SCALARS, "officer_reminder_days", "lead_times")}
        if own:
            stored = await _stored()
            merged = {**stored, **{k: v for k, v in own.items() if k != "lead_times"}}
            if "lead_times" in own:
                merged["lead_times"] = {**stored.get("lead_times", {}), **own["lead_times"]}
            if await PolicySetting.exists().where(PolicySetting.key == SCHEDULER_KEY):
                await PolicySetting.update({PolicySetting.value: json.dumps(merged)}).where(
                    PolicySetting.key == SCHEDULER_KEY)
            else:
                await PolicySetting.insert(PolicySetting(key=SCHEDULER_KEY, value=json.dumps(merged)))
            await record_audit(actor, "policy.update", "policy", None, {k: before.get(k) for k in own}, own)
        if "required_vetting_levels" in changes:
            wanted = set(changes["required_vetting_levels"] or [])
            known = {lv["code"] for lv in before["vetting_levels"]}
            raise_if_violations([Violation(VettingErrorCode.UNKNOWN_LEVEL,
                                           f"No vetting level '{c}'.", "required_vetting_levels")
                                 for c in sorted(wanted - known)])
            for level in before["vetting_levels"]:
                if level["accepted_for_csas"] != (level["code"] in wanted):
                    await vetting_services.update_level(actor, level["code"],
                                                        {"accepted_for_csas": level["code"] in wanted})
        for level in changes.get("vetting_levels") or []:
            await vetting_services.update_level(actor, level["code"], {k: v for k, v in level.items() if k != "code"})
        for module in changes.get("module_validity") or []:
            await training_services.update_module_validity(actor, module["code"], module.get("validity_months"))
        if changes.get("power_prerequisites") is not None:
            pairs = [(p["power_code"], p["module_code"]) for p in changes["power_prerequisites"]]
            await training_services.replace_prerequisites(actor, pairs)
    return await policy_document()
