"""Logging for every mode: one line a record, level from LOG_LEVEL (INFO by default)."""

import logging
import os
import traceback


def configure_logging(default_level: str = "INFO") -> None:
    level = os.environ.get("LOG_LEVEL", default_level).upper()
    if level not in logging.getLevelNamesMapping():
        level = default_level
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def describe_error(error: BaseException) -> str:
    """'ValueError: bad thing at /path/file.py:12', on one line (SlackApiError spans several)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}{where}"
