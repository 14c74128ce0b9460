"""Weight formats and KV cache formats, from data/precisions.toml."""

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from estimator.tables import load_table, name_key

Scope = Literal["all", "linear", "experts"]


@dataclass(frozen=True)
class Precision:
    """A weight format: how many bits each weight takes and which weights it applies to."""

    name: str
    bits: Fraction
    scope: Scope
    kv_bits: Fraction
    source: str

    @property
    def bits_label(self) -> str:
        return f"{float(self.bits):g} bits" if self.bits.denominator != 1 else f"{self.bits} bits"


@dataclass(frozen=True)
class KvFormat:
    """The element type of the KV cache (vLLM's --kv-cache-dtype, llama.cpp's --cache-type-k)."""

    name: str
    bits: Fraction
    source: str


def _index(rows, make) -> dict:
    index = {}
    for row in rows:
        item = make(row)
        for alias in (row["name"], *row["aliases"]):
            index[name_key(alias)] = item
    return index


_TABLE = load_table("precisions.toml")
PRECISIONS: dict[str, Precision] = _index(
    _TABLE["precision"],
    lambda row: Precision(
        name=row["name"],
        bits=Fraction(row["bits"]),
        scope=row["scope"],
        kv_bits=Fraction(row["kv_bits"]),
        source=row["source"],
    ),
)
KV_FORMATS: dict[str, KvFormat] = _index(
    _TABLE["kv_format"],
    lambda row: KvFormat(name=row["name"], bits=Fraction(row["bits"]), source=row["source"]),
)
DEFAULT_PRECISION = PRECISIONS["fp16"]


def find_precision(name: str) -> Precision | None:
    return PRECISIONS.get(name_key(name))


def find_kv_format(name: str) -> KvFormat | None:
    return KV_FORMATS.get(name_key(name))


def precision_for_bits(bits: Fraction) -> Precision:
    """The plain dtype for a bit width typed as a number ('Q=16', '2 bytes', '6 bit')."""
    named = {32: "fp32", 16: "fp16", 8: "int8", 4: "int4"}
    if bits in named:
        return PRECISIONS[named[int(bits)]]
    return Precision(
        name=f"{float(bits):g}-bit",
        bits=bits,
        scope="all",
        kv_bits=Fraction(16),
        source="bits per weight as given",
    )
