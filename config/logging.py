"""Logs an operator can search: one JSON object per line in production (console lines in
development), every line of a request carrying its `request_id` (django-structlog's
middleware), and every line of a task it queued carrying the same id (the id travels in
the task's headers: DJANGO_STRUCTLOG_CELERY_ENABLED and the worker step in
config/celery_app.py). Lines from the standard `logging` module get the same fields."""

import structlog

# What every line gets, whether it comes from structlog or from the logging module.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_settings(*, level: str, output: str) -> dict:
    """Django's LOGGING: `output` is "json" (production) or "console" (development)."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if output == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": [
                    *SHARED_PROCESSORS,
                    structlog.stdlib.PositionalArgumentsFormatter(),
                ],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (plain text, DEBUG only) go: its lines reach the root
            # handler, in the same format as every other line.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            # WeasyPrint and fontTools narrate every render at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


def structlog_configure() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
