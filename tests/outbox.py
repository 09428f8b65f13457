"""Queueing messages in tests: the ids of the messages actually stored, in order (the sweep itself uses
scheduler.delivery.enqueue_each, which also says which messages were skipped)."""

from __future__ import annotations

from core.access import Principal
from scheduler.delivery import OutgoingMessage, enqueue_each


async def enqueue(messages: list[OutgoingMessage], actor: Principal | None = None) -> list[int]:
    return [notification_id for notification_id in await enqueue_each(messages, actor) if notification_id is not None]
