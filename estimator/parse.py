"""Text -> Query: what people type in chat, understood or refused with a clear message.

The text is never handed to pint's expression parser (quadratic pre-processing, `9**9**9`
hangs it: PINT.md §5). A small tokenizer picks out sizes, formats, workload and cards; pint
only converts numbers whose unit the tokenizer already knows.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from estimator import model_names
from estimator.errors import QueryError
from estimator.gpus import find_gpu
from estimator.precisions import (
    DEFAULT_PRECISION,
    Precision,
    find_kv_format,
    find_precision,
    precision_for_bits,
)
from estimator.query import GpuRequest, Query, Workload
from estimator.tables import load_table
from estimator.units import (
    BITS_PER_PARAM,
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

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?"
_END = r"(?![a-z0-9_])"
_SIZE_WORDS = {
    "k": "thousand", "thousand": "thousand",
    "m": "million", "mn": "million", "million": "million",
    "b": "billion", "bn": "billion", "billion": "billion",
    "t": "trillion", "tn": "trillion", "trillion": "trillion",
    "万": "wan", "亿": "yi",
}  # fmt: skip
# "32k context" = 32 Ki tokens = 32,768, as model cards count context.
_CONTEXT_UNITS = {None: TOKEN, "k": ureg.Unit("Kitoken"), "m": ureg.Unit("Mitoken")}
_PLAIN_NUMBER = ureg.Unit("dimensionless")


def _alternation(names) -> str:
    """Longest first, so 'q4_k_m' wins over 'q4'; spaces, '-' and '_' in a name match any of them."""
    pieces = []
    for name in sorted(set(names), key=len, reverse=True):
        parts = re.split(r"[\s_\-]+", name.casefold())
        pieces.append(r"[\s_\-]*".join(re.escape(part) for part in parts))
    return "(?:" + "|".join(pieces) + ")"


def _names(table: str, key: str) -> list[str]:
    return [alias for row in load_table(table)[key] for alias in (row["name"], *row["aliases"])]


_GPU = _alternation(_names("gpus.toml", "gpu"))
_PRECISION = _alternation(_names("precisions.toml", "precision"))
_KV = _alternation(_names("precisions.toml", "kv_format"))

# Tried in order at each position; the first that matches takes the token.
_PATTERNS = [
    ("bad_comma", r"\d+,\d{1,2}(?!\d)|\d+,\d{4,}"),
    ("negative", rf"(?<![a-z0-9])-\s*{_NUM}"),
    ("max_context", rf"max(?:imum)?[\s_-]*(?:ctx|context(?:[\s_-]*(?:length|len))?|tokens){_END}"),
    ("max_users", rf"max(?:imum)?[\s_-]*(?:users|batch|sequences|seqs|concurrency|requests){_END}"),
    ("kv", rf"(?:--)?kv(?:[\s_-]*cache)?(?:[\s_-]*dtype)?\s*[=:]?\s*(?P<kv>{_KV}){_END}"),
    ("kv_after", rf"(?P<kv>{_KV})[\s_-]*kv(?:[\s_-]*cache)?{_END}"),
    (
        "context",
        rf"(?:--)?(?:ctx|context(?:[\s_-]*(?:length|len|window))?|seq[\s_-]*len|"
        rf"max[\s_-]*model[\s_-]*len|max[\s_-]*len)\s*[=:]?\s*(?P<n>{_NUM})\s*(?P<unit>[km])?{_END}",
    ),
    (
        "context",
        rf"(?P<n>{_NUM})\s*(?P<unit>[km])?[\s-]*(?:tokens?[\s-]*)?(?:of[\s-]+)?"
        rf"(?:ctx|context(?:[\s_-]*(?:length|len|window))?){_END}",
    ),
    ("context", rf"(?P<n>{_NUM})\s*(?P<unit>[km])?[\s-]*tokens?{_END}"),
    ("context", rf"at\s+(?P<n>{_NUM})\s*(?P<unit>[km])?{_END}"),
    (
        "users",
        rf"(?:--)?(?:users?|batch(?:[\s_-]*size)?|bs|concurrency|seqs|sequences|"
        rf"max[\s_-]*num[\s_-]*seqs)\s*[=:]\s*(?P<n>{_NUM}){_END}",
    ),
    (
        "users",
        rf"(?P<n>{_NUM})\s*(?:concurrent\s+|parallel\s+|simultaneous\s+)?"
        rf"(?:users?|sequences?|seqs|requests?|reqs|streams?|sessions?|batch){_END}",
    ),
    ("users", rf"batch(?:[\s_-]*(?:size|of))?\s+(?P<n>{_NUM}){_END}"),
    ("gpu", rf"(?:(?P<n>{_NUM})\s*(?:x|\*)?\s*)?(?P<gpu>{_GPU})s?{_END}"),
    ("q_bits", rf"q\s*=\s*(?P<n>{_NUM}){_END}"),
    ("precision", rf"(?P<name>{_PRECISION}){_END}"),
    (
        "bits",
        rf"(?P<n>{_NUM})\s*-?\s*(?:bits?|位)(?:\s*(?:per|/)\s*(?:param(?:eter)?|weight))?{_END}",
    ),
    ("bytes", rf"(?P<n>{_NUM})\s*-?\s*bytes?(?:\s*(?:per|/)\s*(?:param(?:eter)?|weight))?{_END}"),
    (
        "size",
        rf"(?P<n>{_NUM})\s*(?P<unit>bn|b|mn|m|tn|t|k|thousand|million|billion|trillion|万|亿)"
        rf"(?:[\s-]*(?:params?|parameters?|weights))?{_END}",
    ),
    ("size", rf"(?P<n>{_NUM})(?:[\s-]*(?:params?|parameters?)){_END}"),
    ("compare", rf"(?:--)?(?:compare|all)(?:[\s_-]*(?:gpus?|cards))?{_END}"),
    ("number", rf"{_NUM}{_END}"),
    ("word", r"[a-z][a-z0-9'’_.:/\-]*[a-z0-9]|[a-z]"),
    ("punctuation", r"[?!.,;:()\[\]{}\"'`“”‘’/|*+&@#~<>=]+"),
    ("unknown", r"\S+"),
]
_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]

# Words that carry no meaning for the estimate ("does 70B fit on 2 H100 for 20 users?").
# fmt: off
_FILLER = frozenset((
    "a", "an", "and", "are", "at", "be", "by", "can", "card", "cards", "could", "do", "does",
    "fit", "fits", "for", "from", "gguf", "gpu", "gpus", "how", "i", "if", "in", "inference",
    "is", "it", "llm", "many", "me", "memory", "model", "much", "need", "needed", "needs",
    "of", "on", "or", "please", "quantized", "quant", "quantised", "require", "required",
    "requires", "run", "running", "serve", "served", "serving", "take", "takes", "the", "to",
    "use", "using", "vram", "we", "what", "will", "with", "would", "you", "kv", "cache",
    "vllm", "there", "enough", "weights", "total", "tell", "what's", "per", "token", "params",
    "param", "parameters", "count", "size",
))
# fmt: on


def normalise(text: str) -> str:
    """NFKC (full-width to ASCII, superscripts to digits), casefolded, control characters to spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("×", "x")
    return "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)


def _decimal(raw: str) -> Decimal:
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


def _count(raw: str, what: str, maximum: int) -> int:
    value = _decimal(raw)
    if value != value.to_integral_value() or value < 1:
        raise QueryError(f"The number of {what} must be a whole number of at least 1, not '{raw}'.")
    if value > maximum:
        raise QueryError(f"{raw} {what} is more than I can plan for (at most {maximum:,}).")
    return int(value)


def _params(raw: str, unit: str | None) -> int:
    value = _decimal(raw)
    multiplier = MULTIPLIERS[_SIZE_WORDS[unit]] if unit else _PLAIN_NUMBER
    params = round(Quantity(float(value), multiplier * PARAM).m_as(PARAM))
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


def _context_tokens(raw: str, unit: str | None) -> int:
    value = _decimal(raw)
    tokens = round(Quantity(float(value), _CONTEXT_UNITS[unit]).m_as(TOKEN))
    if tokens < 1 or tokens > MAX_CONTEXT_TOKENS:
        raise QueryError(f"A context of '{raw}{unit or ''}' tokens is out of range (1 to 100M).")
    return tokens


def _bits(quantity) -> Precision:
    bits = Fraction(str(quantity.m_as(BITS_PER_PARAM)))
    if not 1 <= bits <= 64:
        raise QueryError(f"{float(bits):g} bits per weight is not a format I know (1 to 64 bits).")
    return precision_for_bits(bits)


class _Understood:
    """What the tokens said so far; refuses contradictions ('70B 8B', 'fp16 int4')."""

    def __init__(self):
        self.params: int | None = None
        self.precision: Precision | None = None
        self.context_tokens: int | None = None
        self.sequences: int | None = None
        self.kv_format = None
        self.gpus: list[GpuRequest] = []
        self.compare_all = False
        self.solve_for = None
        self.unknown: list[str] = []

    def set_once(self, field: str, value, label: str):
        current = getattr(self, field)
        if current is not None and current != value:
            raise QueryError(f"You gave two {label}s; ask about one at a time.")
        setattr(self, field, value)


_BIT_UNITS = {"q_bits": BITS_PER_PARAM, "bits": BITS_PER_PARAM, "bytes": BYTES_PER_PARAM}


def _take(understood: _Understood, kind: str, match: re.Match) -> None:
    token = match.group(0)
    group = match.groupdict()
    if kind == "bad_comma":
        raise QueryError(f"'{token}' is ambiguous: write decimals with a dot (7.5B).")
    if kind == "negative":
        raise QueryError(
            f"'{token.replace(' ', '')}' is negative; sizes and counts must be positive."
        )
    if kind == "max_context":
        understood.set_once("solve_for", "context", "question")
    elif kind == "max_users":
        understood.set_once("solve_for", "users", "question")
    elif kind in ("kv", "kv_after"):
        understood.set_once("kv_format", find_kv_format(group["kv"]), "KV cache format")
    elif kind == "context":
        understood.set_once("context_tokens", _context_tokens(group["n"], group["unit"]), "context")
    elif kind == "users":
        understood.set_once("sequences", _count(group["n"], "users", MAX_SEQUENCES), "user count")
    elif kind == "gpu":
        count = _count(group["n"], "GPUs", MAX_GPUS) if group["n"] else None
        understood.gpus.append(GpuRequest(find_gpu(group["gpu"]), count))
    elif kind in _BIT_UNITS:
        width = Quantity(float(_decimal(group["n"])), _BIT_UNITS[kind])
        understood.set_once("precision", _bits(width), "precision")
    elif kind == "precision":
        understood.set_once("precision", find_precision(group["name"]), "precision")
    elif kind == "size":
        understood.set_once("params", _params(group["n"], group.get("unit")), "model size")
    elif kind == "number":
        value = _decimal(token)
        if value >= 10**6:  # '7e10', '70,000,000,000': a parameter count
            understood.set_once("params", _params(token, None), "model size")
        else:
            raise QueryError(
                f"'{token}' what? Write 70B for 70 billion parameters, ctx=8k, or 4 users."
            )
    elif kind == "compare":
        understood.compare_all = True
    elif kind == "word":
        if token not in _FILLER:
            understood.unknown.append(token)
    elif kind == "unknown":
        understood.unknown.append(token)


def _tokenize(text: str, understood: _Understood) -> None:
    position, end = 0, len(text)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        for kind, pattern in _COMPILED:
            match = pattern.match(text, position)
            if match and match.end() > position:
                _take(understood, kind, match)
                position = match.end()
                break


def _unknown_error(words: list[str]) -> QueryError:
    word = words[0]
    if model_names.looks_like_model_name(word):
        suggestions = model_names.suggest_models(word)
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        return QueryError(
            f"I don't know the model '{word}'.{hint} A bare size works for any model: 70B fp16.",
            example=suggestions[0] if suggestions else "70B fp16",
            suggestions=suggestions,
        )
    shown = ", ".join(f"'{w[:40]}'" for w in words[:3])
    return QueryError(f"I did not understand {shown}.")


def parse(text: str) -> Query:
    """Understand a question like '70B fp16', 'llama-3.1-70b int4 ctx=32k users=20 on 2x h100'."""
    if not isinstance(text, str):
        raise QueryError("Ask me with text.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"That is {len(text):,} characters; a question is at most {MAX_QUERY_CHARS}."
        )
    normalised = normalise(text).strip()
    if not normalised:
        raise QueryError("Tell me a model size or name.")

    model = None
    match = model_names.find_model(normalised)
    if match is not None:
        model = match.model
        normalised = normalised[: match.start] + " " + normalised[match.end :]

    understood = _Understood()
    _tokenize(normalised, understood)
    if understood.unknown:
        raise _unknown_error(understood.unknown)
    if model is not None and understood.params is not None:
        raise QueryError(
            "Give either a model name or a size, not both.", example="llama-3.1-70b fp16"
        )
    if model is None and understood.params is None:
        raise QueryError("Tell me a model size (70B) or a model name (llama-3.1-70b).")

    precision_given = understood.precision is not None
    precision = understood.precision
    if precision is None:
        precision = find_precision(model.native_precision) if model else DEFAULT_PRECISION
    return Query(
        text=text.strip(),
        params=model.params if model else understood.params,
        precision=precision,
        precision_given=precision_given,
        model=model,
        workload=Workload(
            context_tokens=understood.context_tokens,
            sequences=understood.sequences or 1,
            kv_format=understood.kv_format,
            sequences_given=understood.sequences is not None,
        ),
        gpus=tuple(understood.gpus),
        compare_all=understood.compare_all,
        solve_for=understood.solve_for,
    )
