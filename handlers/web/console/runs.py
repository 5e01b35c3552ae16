"""Running a console action as the chat runs a command: the same workflow operation in one
transaction with its audit entry (`catalogue.workflow.runner`), the staff wording of its
result or refusal, and the live search index brought in step at once."""

from __future__ import annotations

from fastapi import Request

from catalogue.workflow import runner
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.runner import Operation
from handlers.searching.service import sync_outcome
from handlers.staff import refusals, wording
from handlers.web.console.auth import Signed

MARK = "（控制台）"  # in the audit entry's command: which channel the step came from


async def run(
    request: Request, signed: Signed, command: str, operation: Operation, *, key: str | None = None
) -> Outcome:
    """Run one workflow operation for the signed-in member; exactly once per `key`."""
    outcome = await runner.run(
        signed.sessions,
        signed.actor,
        f"{command}{MARK}",
        operation,
        key=key,
        render=wording.render,
        explain=refusals.explain,
    )
    if not outcome.refused and not outcome.replayed:
        await sync_outcome(getattr(request.app.state, "search", None), signed.sessions, outcome)
    return outcome
