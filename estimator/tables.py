"""Loading the data files under estimator/data once, and looking names up in them."""

import re
import tomllib
from functools import cache
from importlib import resources


@cache
def load_rows(folder: str, key: str) -> tuple[dict, ...]:
    """Every `[[key]]` row of every TOML file under data/<folder>, files in name order."""
    files = sorted(
        (
            f
            for f in resources.files("estimator").joinpath(f"data/{folder}").iterdir()
            if f.name.endswith(".toml")
        ),
        key=lambda f: f.name,
    )
    return tuple(row for f in files for row in tomllib.loads(f.read_text(encoding="utf-8"))[key])


@cache
def load_table(filename: str) -> dict:
    text = resources.files("estimator").joinpath(f"data/{filename}").read_text(encoding="utf-8")
    return tomllib.loads(text)


_SEPARATORS = re.compile(r"[\s_\-]+")


def name_key(name: str) -> str:
    """How names are compared: case, spaces, '-' and '_' do not matter ('H100 SXM' = 'h100-sxm')."""
    return _SEPARATORS.sub("", name.casefold())
