"""The application's single pint registry, its pre-built units, and byte formatting.

Built eagerly at import (pint's lazy registry is not thread-safe, PINT.md §3) from a small
definitions file (5–13 ms instead of ~250 ms for pint's default registry, PINT.md §1.2).
Units are built once as `Unit` objects: string lookups are re-parsed on every call in
pint 0.25 (PINT.md §1.3).
"""

from dataclasses import dataclass
from importlib import resources

import pint

_DEFINITIONS = resources.files("estimator").joinpath("data/units.txt").read_text(encoding="utf-8")

ureg = pint.UnitRegistry(
    _DEFINITIONS.splitlines(), on_redefinition="raise", autoconvert_offset_to_baseunit=False
)
pint.set_application_registry(ureg)
Quantity = ureg.Quantity

BIT = ureg.Unit("bit")
BYTE = ureg.Unit("byte")
PARAM = ureg.Unit("parameter")
TOKEN = ureg.Unit("token")
BITS_PER_PARAM = ureg.Unit("bit / parameter")
BYTES_PER_PARAM = ureg.Unit("byte / parameter")
MULTIPLIERS = {
    name: ureg.Unit(name) for name in ("thousand", "million", "billion", "trillion", "wan", "yi")
}


@dataclass(frozen=True)
class DisplayUnit:
    """A unit figures are shown in: its size in bytes and its symbol, both read from the
    registry once, so that formatting a figure costs a division, not a pint conversion
    (~50 µs each, a dozen per Slack reply: bench/)."""

    bytes: int
    symbol: str

    @classmethod
    def of(cls, name: str) -> "DisplayUnit":
        unit = ureg.Unit(name)
        return cls(bytes=round(Quantity(1, unit).m_as(BYTE)), symbol=f"{unit:~}")

    def format(self, n_bytes: int, digits: int) -> str:
        return f"{n_bytes / self.bytes:.{digits}f} {self.symbol}"


_BINARY = tuple(DisplayUnit.of(u) for u in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"))
_DECIMAL = tuple(DisplayUnit.of(u) for u in ("B", "kB", "MB", "GB", "TB", "PB"))
GIB, GB = _BINARY[3], _DECIMAL[3]


def format_bytes(n_bytes: int, *, binary: bool = True, digits: int = 1) -> str:
    """`format_bytes(168e9)` -> '156.5 GiB'; `binary=False` -> '168.0 GB'.

    pint's own `to_compact` only picks decimal prefixes (PINT.md §4), hence this helper.
    """
    units, base = (_BINARY, 1024) if binary else (_DECIMAL, 1000)
    index = 0
    while index + 1 < len(units) and abs(n_bytes) >= base ** (index + 1):
        index += 1
    if index == 0:
        return f"{n_bytes:,} B"
    return units[index].format(n_bytes, digits)


def format_gib(n_bytes: int, digits: int = 1) -> str:
    return GIB.format(n_bytes, digits)


def format_gb(n_bytes: int, digits: int = 1) -> str:
    return GB.format(n_bytes, digits)
