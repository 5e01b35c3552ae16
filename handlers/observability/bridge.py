"""Counts what `bot` reports only in its log (deadline fallbacks, absorbed retries, failures,
messages answered busy because no storage could be reached).

`bot` may not import `handlers`, so the metrics are taken from its log records: a handler on
the `bot` loggers matches the records' message templates. tests/handlers/test_observability.py
drives the real responder, so a changed template fails a test instead of a silent zero."""

from __future__ import annotations

import logging

from handlers.observability import metrics

BOT_LOGGER = "bot"
_NAME = "zwbot-bot-metrics"


class BotLogMetrics(logging.Handler):
    """Turns bot log records into metric increments; never formats or emits anything."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.set_name(_NAME)

    def emit(self, record: logging.LogRecord) -> None:
        template = str(record.msg)
        if template.startswith("retry of "):
            metrics.record_retry_absorbed()
        elif "missed the" in template and "deadline" in template:
            metrics.record_deadline_fallback()
        elif template.startswith("handler failed"):
            metrics.record_error("handler")
        elif "callback failed while responding" in template:
            metrics.record_error("webhook")
        elif template.startswith("could not push"):
            metrics.record_error("push")
        elif "callback refused" in template:
            metrics.record_error("refused_callback")
        elif "answered busy" in template:
            metrics.record_error("storage")


def install_bot_log_metrics() -> None:
    """Attach the counter to the `bot` loggers (idempotent)."""
    logger = logging.getLogger(BOT_LOGGER)
    if not any(h.get_name() == _NAME for h in logger.handlers):
        logger.addHandler(BotLogMetrics())
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
