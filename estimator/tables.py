"""Loading the data files under estimator/data once, and looking names up in them."""

import re
import tomllib
from functools import cache
from importlib import resources


@cache
def load_table(filename: str) -> dict:
    text = resources.files("estimator").joinpath(f"data/{filename}").read_text(encoding="utf-8")
    return tomllib.loads(text)


_SEPARATORS = re.compile(r"[\s_\-]+")


def name_key(name: str) -> str:
    """How names are compared: case, spaces, '-' and '_' do not matter ('H100 SXM' = 'h100-sxm')."""
    return _SEPARATORS.sub("", name.casefold())
