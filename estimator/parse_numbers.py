"""The numbers of a question, read exactly: sizes, counts, contexts, bit widths, card memory.

Each reader takes the digits as written (Decimal: '7.5', '1e10', '70,000,000,000') and a unit
the token table already recognised, and returns an exact integer (or Fraction) or a
QueryError that says what is out of range. Units come from the one pint registry: each
factor is read from it once (`_factor`), so a question costs no pint conversion.
"""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from estimator.errors import QueryError
from estimator.gpus import Gpu
from estimator.precisions import Precision, precision_for_bits
from estimator.units import (
    BITS_PER_PARAM,
    BYTE,
    BYTES_PER_PARAM,
    MULTIPLIERS,
    PARAM,
    TOKEN,
    Quantity,
    ureg,
)

MAX_QUERY_CHARS = 500
MAX_NUMBER_DIGITS = 24
MIN_PARAMS = 1_000_000
MAX_PARAMS = 100 * 10**12  # 100 T: fifty times the largest model published so far
MAX_CONTEXT_TOKENS = 100 * 2**20
MAX_SEQUENCES = 1_000_000
MAX_GPUS = 4096
MAX_CAPACITY_BYTES = 10**15
SIZE_WORDS = {
    "k": "thousand",
    "thousand": "thousand",
    "m": "million",
    "mn": "million",
    "million": "million",
    "b": "billion",
    "bn": "billion",
    "billion": "billion",
    "t": "trillion",
    "tn": "trillion",
    "trillion": "trillion",
    "万": "wan",
    "亿": "yi",
}
# "32k context" = 32 Ki tokens = 32,768, as model cards count context.


def _factor(unit, base) -> int:
    """How many `base` one `unit` is, from the registry, once: a pint conversion costs ~15 µs,
    a question has several numbers, and every factor here is a whole number."""
    factor = Quantity(1, unit).m_as(base)
    if factor != round(factor):
        raise ValueError(f"{unit} is not a whole number of {base}")
    return round(factor)


_PARAM_FACTORS = {None: 1} | {
    w: _factor(MULTIPLIERS[m] * PARAM, PARAM) for w, m in SIZE_WORDS.items()
}
_CONTEXT_FACTORS = {
    None: 1,
    "k": _factor(ureg.Unit("Kitoken"), TOKEN),
    "m": _factor(ureg.Unit("Mitoken"), TOKEN),
}
_CAPACITY_FACTORS = {unit: _factor(ureg.Unit(unit), BYTE) for unit in ("GB", "GiB", "TB")}
BIT_FACTORS = {"q_bits": 1, "bits": 1, "bytes": _factor(BYTES_PER_PARAM, BITS_PER_PARAM)}


def read_decimal(raw: str) -> Decimal:
    digits = raw.replace(",", "")
    if sum(ch.isdigit() for ch in digits) > MAX_NUMBER_DIGITS:
        raise QueryError(f"The number {raw[:12]}… is too long for me.")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise QueryError(f"I could not read the number '{raw}'.") from None
    if not value.is_finite() or abs(value.adjusted()) > 30:
        raise QueryError(f"The number '{raw}' is out of any sensible range.")
    return value


def read_count(raw: str, what: str, maximum: int) -> int:
    value = read_decimal(raw)
    if value != value.to_integral_value() or value < 1:
        raise QueryError(f"The number of {what} must be a whole number of at least 1, not '{raw}'.")
    if value > maximum:
        raise QueryError(f"{raw} {what} is more than I can plan for (at most {maximum:,}).")
    return int(value)


def read_params(raw: str, unit: str | None) -> int:
    value = read_decimal(raw)
    params = round(value * _PARAM_FACTORS[unit])
    shown = f"{raw}{unit or ''}"
    if params <= 0:
        raise QueryError(f"A model size must be more than zero, not '{shown}'.")
    if params < MIN_PARAMS:
        hint = " For a context length write ctx=32k." if unit in ("k", "m") else ""
        raise QueryError(
            f"'{shown}' is {params:,} parameters, too small for a language model.{hint}"
        )
    if params > MAX_PARAMS:
        raise QueryError(
            f"'{shown}' is {params:,} parameters, more than I can believe (at most 100T)."
        )
    return params


def read_context(raw: str, unit: str | None) -> int:
    value = read_decimal(raw)
    tokens = round(value * _CONTEXT_FACTORS[unit])
    if tokens < 1 or tokens > MAX_CONTEXT_TOKENS:
        raise QueryError(f"A context of '{raw}{unit or ''}' tokens is out of range (1 to 100M).")
    return tokens


def read_bits(bits: Fraction) -> Precision:
    if not 1 <= bits <= 64:
        raise QueryError(f"{float(bits):g} bits per weight is not a format I know (1 to 64 bits).")
    return precision_for_bits(bits)


def capacity_gpu(memory_bytes: int) -> Gpu:
    """A card known only by its memory ('a 24GB card', '16 gigs of vram'): the figure as said."""
    shown = format((Decimal(memory_bytes) / 10**9).normalize(), "f")  # 80, 24.5
    return Gpu(
        name=f"{shown} GB card",
        memory_bytes=memory_bytes,
        spec=f"{shown} GB, as asked",
        source="the question",
        verified=False,
    )


def read_capacity(raw: str, unit: str) -> int:
    unit = {"gib": "GiB", "tb": "TB"}.get(unit, "GB")  # g, gig(s), gigabytes: marketing GB
    memory = round(read_decimal(raw) * _CAPACITY_FACTORS[unit])
    if not 10**8 <= memory <= MAX_CAPACITY_BYTES:
        raise QueryError(f"A card of '{raw} {unit}' is out of range (0.1 GB to 1 PB).")
    return memory
