"""Logging for every mode: one line a record, level from LOG_LEVEL (INFO by default)."""

import logging
import os


def configure_logging(default_level: str = "INFO") -> None:
    level = os.environ.get("LOG_LEVEL", default_level).upper()
    if level not in logging.getLevelNamesMapping():
        level = default_level
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
