"""Writing a batch of items all or nothing, with an outcome per item (imports): the shape every domain's batch
service shares, so that each writes only its own use case and none repeats the transaction and error handling.

Every item is tried, in order, inside ONE write transaction, so a later item sees what an earlier one wrote (two
rows for one officer: the second updates what the first created). A refused item becomes that item's violations
rather than stopping the batch, so one bad row does not hide the others. The transaction is rolled back when any
item was refused, or when the caller asked not to commit (a dry run, or rows the caller could not even read).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from core.db import write_transaction
from core.errors import DomainError, Violation

Item = TypeVar("Item")
Applied = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Outcome:
    """What became of one item: created, updated or unchanged; or refused, with the violations that refused it
    (a refusal without violations is given one carrying its code and detail, field None)."""

    applied: Applied | None
    violations: list[Violation] = field(default_factory=list)


class _Rollback(Exception):
    """Raised inside the transaction to undo everything tried (a refused item, a dry run)."""


def refusal(exc: DomainError) -> list[Violation]:
    return exc.violations or [Violation(exc.code, exc.detail)]


async def apply_all(items: Sequence[Item], apply: Callable[[Item], Awaitable[Applied]], *,
                    commit: bool) -> list[Outcome]:
    """Each item's outcome, in order. Commits only when `commit` and no item was refused."""
    outcomes: list[Outcome] = []
    try:
        async with write_transaction():
            for item in items:
                try:
                    outcomes.append(Outcome(await apply(item)))
                except DomainError as exc:
                    outcomes.append(Outcome(None, refusal(exc)))
            if not commit or any(outcome.applied is None for outcome in outcomes):
                raise _Rollback
    except _Rollback:
        pass
    return outcomes
