"""Response shapes of the scheduler. The rules' kinds and statuses are StrEnums, which are str already and which
msgspec writes as their value: they are passed as they are (Enum.value is a slow property, read on every row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from core.schemas import Body, LongList, ShortList
from scheduler.capacity import month_key
from scheduler.kinds import Dependency, Kind, PlanStep, StepStatus
from scheduler.policy import LeadTimes
from scheduler.rules import Compliance, Rag

# scheduler.calendars.FeedScope's values: that module sits above this one (it loads facts), so they are named here.
FeedScopeName = Literal["officer", "team", "organisation"]


class BindingRead(msgspec.Struct):
    kind: Kind
    code: str
    expires_on: dt.date

    @classmethod
    def of(cls, dep: Dependency | None) -> BindingRead | None:
        return cls(kind=dep.kind, code=dep.code, expires_on=dep.expires_on) if dep else None


class BlockerRead(msgspec.Struct):
    kind: Kind
    code: str
    message: str


class PowerRead(msgspec.Struct):
    code: str
    usable: bool
    usable_until: dt.date | None
    blocked_by: list[BlockerRead]
    binding: BindingRead | None


class ComplianceRead(msgspec.Struct):
    officer_id: int
    as_of: dt.date
    status: Rag
    powers_usable_until: dt.date | None
    binding: BindingRead | None
    powers: list[PowerRead]

    @classmethod
    def of(cls, c: Compliance) -> ComplianceRead:
        return cls(
            officer_id=c.officer_id, as_of=c.as_of, status=c.status,
            powers_usable_until=c.powers_usable_until, binding=BindingRead.of(c.binding),
            powers=[
                PowerRead(code=p.code, usable=p.usable, usable_until=p.usable_until,
                          blocked_by=[BlockerRead(b.kind, b.code, b.message) for b in p.blocked_by],
                          binding=BindingRead.of(p.binding))
                for p in c.powers
            ],
        )


class StepRead(msgspec.Struct):
    kind: Kind
    code: str
    title: str
    expires_on: dt.date
    start_by: dt.date
    status: StepStatus

    @classmethod
    def of(cls, s: PlanStep) -> StepRead:
        return cls(kind=s.kind, code=s.code, title=s.title, expires_on=s.expires_on, start_by=s.start_by,
                   status=s.status)


class PlanRead(msgspec.Struct):
    officer_id: int
    as_of: dt.date
    steps: list[StepRead]


class ForecastItem(msgspec.Struct):
    officer_id: int
    name: str
    code: str
    usable_until: dt.date
    binding: BindingRead | None
    # A renewal on record that starts after the lapse: the gap ends the day before this (None: no renewal known).
    resumes_on: dt.date | None = None


class SweepRequest(Body):
    as_of: dt.date | None = None
    dry_run: bool = False


class DigestRead(msgspec.Struct):
    recipient_email: str
    subject: str
    officer_ids: list[int]
    body: str


class SweepRead(msgspec.Struct):
    as_of: dt.date
    dry_run: bool
    officers: int
    lapses: int
    messages: int
    delivered: int
    digests: list[DigestRead]


if TYPE_CHECKING:
    from scheduler.planning import CapacityPlan

    class LeadTimesUpdate(Body):
        """Any of LeadTimes' fields, in days."""
else:
    # Made from LeadTimes' fields, so a new lead time is one field there (and can be set through the API).
    LeadTimesUpdate = msgspec.defstruct(
        "LeadTimesUpdate", [(f.name, int | msgspec.UnsetType, msgspec.UNSET) for f in fields(LeadTimes)],
        bases=(Body,), module=__name__, omit_defaults=True, forbid_unknown_fields=True)


class LevelPolicy(Body, omit_defaults=True):
    code: str
    renewal_months: int | msgspec.UnsetType = msgspec.UNSET
    has_annual_review: bool | msgspec.UnsetType = msgspec.UNSET
    accepted_for_csas: bool | msgspec.UnsetType = msgspec.UNSET


class ModulePolicy(Body):
    code: str
    validity_months: int | None


class PrerequisitePolicy(Body):
    power_code: str
    module_code: str


class PolicyUpdate(Body, omit_defaults=True, forbid_unknown_fields=True):
    warning_days: int | msgspec.UnsetType = msgspec.UNSET
    overdue_after_days: int | msgspec.UnsetType = msgspec.UNSET
    manager_repeat_days: int | msgspec.UnsetType = msgspec.UNSET
    coordinator_alert_days: int | msgspec.UnsetType = msgspec.UNSET
    officer_reminder_days: ShortList[int] | msgspec.UnsetType = msgspec.UNSET
    lead_times: LeadTimesUpdate | msgspec.UnsetType = msgspec.UNSET
    required_vetting_levels: ShortList[str] | msgspec.UnsetType = msgspec.UNSET
    vetting_levels: ShortList[LevelPolicy] | msgspec.UnsetType = msgspec.UNSET
    module_validity: LongList[ModulePolicy] | msgspec.UnsetType = msgspec.UNSET
    power_prerequisites: LongList[PrerequisitePolicy] | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = msgspec.to_builtins(self)
        return out


class SweepRunRead(msgspec.Struct):
    id: int
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    dry_run: bool
    officers: int
    messages: int
    lapses: int
    error: str


class SchedulerHealth(msgspec.Struct):
    scheduler_on: bool
    sweep_at: str
    last_run: SweepRunRead | None
    last_success: SweepRunRead | None
    recent_runs: list[SweepRunRead]
    pending_messages: int
    failed_messages: int


class CalendarCreate(Body):
    scope: FeedScopeName
    id: int


class CalendarRead(msgspec.Struct):
    url: str
    token: str
    scope: FeedScopeName
    id: int


class CalendarFeedRead(msgspec.Struct):
    """A feed as an administrator sees it: never its token."""

    id: int
    scope: FeedScopeName
    scope_id: int
    created_by_user_id: int | None
    created_by: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    creator_active: bool
    live: bool


class KindCounts(msgspec.Struct):
    vetting: int
    course: int
    accreditation: int


class KindCapacity(msgspec.Struct):
    """Per month; null: no limit set."""

    vetting: int | None
    course: int | None
    accreditation: int | None


class CapacityMonth(msgspec.Struct):
    month: str
    demand: KindCounts
    capacity: KindCapacity
    levelled: KindCounts


class WorkRead(msgspec.Struct):
    officer_id: int
    kind: str
    code: str
    start_by: dt.date
    expires_on: dt.date


class StartRead(msgspec.Struct):
    """A renewal the levelled schedule fits, and the month it starts ("YYYY-MM")."""

    officer_id: int
    kind: str
    code: str
    start_by: dt.date
    expires_on: dt.date
    start_in: str


class CapacityRead(msgspec.Struct, omit_defaults=True):
    months: list[CapacityMonth]
    unavoidable: list[WorkRead]
    # The least capacity per month, the same every month, that would start every renewal by its start-by.
    needed: KindCounts
    starts: list[StartRead] | None = None  # asked for with starts=true

    @classmethod
    def of(cls, plan: CapacityPlan, starts: bool = False) -> CapacityRead:
        return cls(
            months=[CapacityMonth(month=r["month"], demand=KindCounts(**r["demand"]),
                                  capacity=KindCapacity(**r["capacity"]), levelled=KindCounts(**r["levelled"]))
                    for r in plan.rows()],
            unavoidable=[WorkRead(w.officer_id, w.kind, w.code, w.start_by, w.expires_on) for w in plan.unavoidable()],
            needed=KindCounts(**plan.needed()),
            starts=[StartRead(w.officer_id, w.kind, w.code, w.start_by, w.expires_on, month_key(m))
                    for w, m in sorted(plan.start_months().items(), key=lambda i: (i[1], i[0].start_by))]
            if starts else None,
        )


class CapacitySettingsRead(msgspec.Struct):
    force_id: int
    vetting_per_month: int | None
    course_seats_per_month: int | None
    accreditations_per_month: int | None


class CapacitySettingsUpdate(Body, omit_defaults=True, forbid_unknown_fields=True):
    """The fields given are changed (null: no limit); force_id: the force (an administrator's choice)."""

    force_id: int | msgspec.UnsetType = msgspec.UNSET
    vetting_per_month: int | msgspec.UnsetType | None = msgspec.UNSET
    course_seats_per_month: int | msgspec.UnsetType | None = msgspec.UNSET
    accreditations_per_month: int | msgspec.UnsetType | None = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {f: getattr(self, f) for f in self.__struct_fields__
                               if getattr(self, f) is not msgspec.UNSET}
        return out
