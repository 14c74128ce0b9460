"""Text -> Query: what people type in chat, understood or refused with a clear message.

The text is never handed to pint's expression parser (quadratic pre-processing, `9**9**9`
hangs it: PINT.md §5). One table, TOKENS, lists every kind of token: its pattern, and how it
fills the Query being built. They are tried in order at each position (one compiled regex),
the first that matches takes the token; a new word is a new row (or an entry of
data/words.toml). pint only converts numbers whose unit the table already knows.

Model names are found first (estimator.model_names) and cut out; the words left over once a
size or a model is understood do not block the answer: the Query lists them as ignored.
"""

import re
import re._parser as sre  # to read which characters each row can begin with
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from estimator import model_names
from estimator.errors import QueryError
from estimator.gpus import Gpu, find_gpu
from estimator.hub_ref import find_repo_ref
from estimator.model_names import NameIndex
from estimator.precisions import (
    DEFAULT_PRECISION,
    KvFormat,
    Precision,
    find_kv_format,
    find_precision,
    precision_for_bits,
)
from estimator.query import GpuRequest, NameNote, Query, Workload
from estimator.tables import load_table
from estimator.training_options import (
    TrainingOptions,
    read_micro_batch,
    read_optimizer,
    read_rank,
    read_seq_len,
    read_sharding,
    read_targets,
)
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

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?"
_END = r"(?![a-z0-9_])"
_SIZE_WORDS = {
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
    w: _factor(MULTIPLIERS[m] * PARAM, PARAM) for w, m in _SIZE_WORDS.items()
}
_CONTEXT_FACTORS = {
    None: 1,
    "k": _factor(ureg.Unit("Kitoken"), TOKEN),
    "m": _factor(ureg.Unit("Mitoken"), TOKEN),
}
_CAPACITY_FACTORS = {unit: _factor(ureg.Unit(unit), BYTE) for unit in ("GB", "GiB", "TB")}
_BIT_FACTORS = {"q_bits": 1, "bits": 1, "bytes": _factor(BYTES_PER_PARAM, BITS_PER_PARAM)}
_WORDS = load_table("words.toml")


def _alternation(names) -> str:
    """Longest first, so 'q4_k_m' wins over 'q4'; spaces, '-' and '_' in a name match any of them."""
    pieces = []
    for name in sorted(set(names), key=len, reverse=True):
        parts = re.split(r"[\s_\-]+", name.casefold())
        pieces.append(r"[\s_\-]*".join(re.escape(part) for part in parts))
    return "(?:" + "|".join(pieces) + ")"


def _names(table: dict, key: str) -> list[str]:
    return [alias for row in table[key] for alias in (row["name"], *row["aliases"])]


def _index(table: dict, key: str) -> dict[str, str]:
    return {_word_key(alias): row["name"] for row in table[key] for alias in row["aliases"]}


def _word_key(word: str) -> str:
    return re.sub(r"[\s_\-]+", "", word.casefold())


_GPU = _alternation(_names(load_table("gpus.toml"), "gpu"))
_PRECISION = _alternation(_names(load_table("precisions.toml"), "precision"))
_KV = _alternation(_names(load_table("precisions.toml"), "kv_format"))
_TASKS = _index(_WORDS, "task")
_ENGINES = _index(_WORDS, "engine")
_TASK = _alternation([a for row in _WORDS["task"] for a in row["aliases"]])
_ENGINE = _alternation([a for row in _WORDS["engine"] for a in row["aliases"]])
_NUMBER_WORDS = {
    re.sub(r"[\s_\-]+", " ", word): n
    for word, n in {**_WORDS["numbers"], **_WORDS["numbers_zh"]}.items()
}
_COUNT_WORD = _alternation(_WORDS["numbers"])
_ZH_COUNT = "(?:" + "|".join(sorted(_WORDS["numbers_zh"], key=len, reverse=True)) + r"|几|\d+)"
_ZH_FILLER = "(?:" + "|".join(map(re.escape, sorted(_WORDS["filler_zh"], key=len, reverse=True)))
_ZH_FILLER += ")"
_OPTIMIZER = _alternation(_names(load_table("training.toml"), "optimizer"))
_FILLER = frozenset(_WORDS["filler"])


def normalise(text: str) -> str:
    """NFKC (full-width to ASCII, superscripts to digits), casefolded, control characters to spaces."""
    return _normalise_case(unicodedata.normalize("NFKC", text)).casefold()


_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _normalise_case(text: str) -> str:
    if text.isascii():  # the usual question: only ASCII control characters to replace
        return _ASCII_CONTROL.sub(" ", text)
    text = text.replace("×", "x")
    return "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)


# ---------------------------------------------------------------------------- numbers


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
    word = re.sub(r"[\s_\-]+", " ", raw.strip())
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    value = _decimal(raw)
    if value != value.to_integral_value() or value < 1:
        raise QueryError(f"The number of {what} must be a whole number of at least 1, not '{raw}'.")
    if value > maximum:
        raise QueryError(f"{raw} {what} is more than I can plan for (at most {maximum:,}).")
    return int(value)


def _params(raw: str, unit: str | None) -> int:
    value = _decimal(raw)
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


def _context_tokens(raw: str, unit: str | None) -> int:
    value = _decimal(raw)
    tokens = round(value * _CONTEXT_FACTORS[unit])
    if tokens < 1 or tokens > MAX_CONTEXT_TOKENS:
        raise QueryError(f"A context of '{raw}{unit or ''}' tokens is out of range (1 to 100M).")
    return tokens


def _bits(bits: Fraction) -> Precision:
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


def _capacity_bytes(raw: str, unit: str) -> int:
    unit = {"gib": "GiB", "tb": "TB"}.get(unit, "GB")  # g, gig(s), gigabytes: marketing GB
    memory = round(_decimal(raw) * _CAPACITY_FACTORS[unit])
    if not 10**8 <= memory <= MAX_CAPACITY_BYTES:
        raise QueryError(f"A card of '{raw} {unit}' is out of range (0.1 GB to 1 PB).")
    return memory


# ---------------------------------------------------------------------------- what was said


@dataclass
class _Said:
    """What the tokens said so far; refuses contradictions ('70B 8B', 'fp16 int4')."""

    params: int | None = None
    precision: Precision | None = None
    compare_precisions: list[Precision] = field(default_factory=list)
    context_tokens: int | None = None
    sequences: int | None = None
    kv_format: KvFormat | None = None
    gpus: list[GpuRequest] = field(default_factory=list)
    compare_all: bool = False
    solve_for: str | None = None
    task: str | None = None
    engine: str | None = None
    wants_nodes: bool = False
    training: dict = field(default_factory=dict)
    size_written: str | None = None  # '70B' as written, for the answer's words
    versus: bool = False  # 'vs', 'or' seen: a second format is a comparison, not a contradiction
    unknown: list[tuple[str, int]] = field(default_factory=list)  # (word, start)
    numbers: list[tuple[str, int]] = field(default_factory=list)  # stray numbers: '70' what?
    thousands: list[str] = field(default_factory=list)  # '64k': a context once a model is known
    problems: list[QueryError] = field(default_factory=list)  # refused unless a typo explains

    def set_once(self, name: str, value, label: str):
        current = getattr(self, name)
        if current is not None and current != value:
            raise QueryError(f"You gave two {label}s; ask about one at a time.")
        setattr(self, name, value)

    @property
    def anything(self) -> bool:
        return any(
            (
                self.params,
                self.precision,
                self.context_tokens,
                self.sequences,
                self.kv_format,
                self.gpus,
                self.compare_all,
                self.solve_for,
                self.task,
                self.engine,
                self.wants_nodes,
                self.training,
                self.thousands,
            )
        )


Fill = Callable[[_Said, dict, str, int], None]


def _refuse_comma(said: _Said, g: dict, token: str, at: int) -> None:
    said.problems.append(QueryError(f"'{token}' is ambiguous: write decimals with a dot (7.5B)."))


def _refuse_negative(said: _Said, g: dict, token: str, at: int) -> None:
    shown = token.replace(" ", "")
    raise QueryError(f"'{shown}' is negative; sizes and counts must be positive.")


def _solve(what: str) -> Fill:
    return lambda said, g, token, at: said.set_once("solve_for", what, "question")


def _kv(said: _Said, g: dict, token: str, at: int) -> None:
    said.set_once("kv_format", find_kv_format(g["kv"]), "KV cache format")


def _context(said: _Said, g: dict, token: str, at: int) -> None:
    said.set_once("context_tokens", _context_tokens(g["n"], g.get("unit")), "context")


def _users(said: _Said, g: dict, token: str, at: int) -> None:
    said.set_once("sequences", _count(g.get("n") or g["w"], "users", MAX_SEQUENCES), "user count")


def _gpu(said: _Said, g: dict, token: str, at: int) -> None:
    raw = g.get("n") or g.get("w") or g.get("after") or g.get("zh")
    count = None if raw in (None, "几") else _count(raw, "GPUs", MAX_GPUS)
    said.gpus.append(GpuRequest(find_gpu(g["gpu"]), count))


def _capacity(said: _Said, g: dict, token: str, at: int) -> None:
    memory = _capacity_bytes(g["cap"], g["unit"])
    raw = g.get("n") or g.get("m") or g.get("w") or "1"
    count = None if g.get("ask") is not None else _count(raw, "GPUs", MAX_GPUS)
    said.gpus.append(GpuRequest(capacity_gpu(memory), count, capacity_only=True))


def _set_precision(said: _Said, precision: Precision) -> None:
    if said.precision is None:
        said.precision = precision
    elif said.versus and precision not in said.compare_precisions:
        said.compare_precisions = (said.compare_precisions or [said.precision]) + [precision]
        said.versus = False
    elif precision != said.precision and precision not in said.compare_precisions:
        raise QueryError("You gave two precisions; ask about one at a time (or fp8 vs fp16).")


def _width(kind: str) -> Fill:
    def fill(said: _Said, g: dict, token: str, at: int) -> None:
        _set_precision(said, _bits(Fraction(_decimal(g["n"])) * _BIT_FACTORS[kind]))

    return fill


def _precision(said: _Said, g: dict, token: str, at: int) -> None:
    _set_precision(said, find_precision(g["name"]))


def _size(said: _Said, g: dict, token: str, at: int) -> None:
    unit = g.get("unit")
    if unit in ("k", "thousand") and not g.get("suffix"):
        said.thousands.append(g["n"])  # '64k': a context once a model or a size is known
        return
    said.set_once("params", _params(g["n"], unit), "model size")
    said.size_written = token


def _number(said: _Said, g: dict, token: str, at: int) -> None:
    if _decimal(token) >= 10**6:  # '7e10', '70,000,000,000': a parameter count
        said.set_once("params", _params(token, None), "model size")
    else:
        said.numbers.append((token, at))


def _flag(name: str) -> Fill:
    return lambda said, g, token, at: setattr(said, name, True)


def _versus(said: _Said, g: dict, token: str, at: int) -> None:
    said.versus = True


def _task(said: _Said, g: dict, token: str, at: int) -> None:
    method = _TASKS[_word_key(token)]
    pair = {said.task, method}
    if method == _TRAINING:  # 'fine-tune' beside a method names that method
        said.task = said.task or method
    elif said.task in (None, method, _TRAINING):
        said.task = method
    elif "dpo" in pair and pair & {"lora", "qlora"}:  # DPO with LoRA/QLoRA adapters
        said.task = "dpo"
        said.training["adapter"] = (pair - {"dpo"}).pop()
    else:
        raise QueryError("You gave two training methods; ask about one at a time.")


def _engine(said: _Said, g: dict, token: str, at: int) -> None:
    said.set_once("engine", _ENGINES[_word_key(g["engine"])], "engine")


def _training(name: str, read: Callable[[dict], object]) -> Fill:
    def fill(said: _Said, g: dict, token: str, at: int) -> None:
        value = read({**g, "": token})
        if said.training.get(name, value) != value:
            raise QueryError(f"You gave two values for {name}; ask about one at a time.")
        said.training[name] = value

    return fill


def _word(said: _Said, g: dict, token: str, at: int) -> None:
    if token not in _FILLER:
        said.unknown.append((token, at))


def _unknown(said: _Said, g: dict, token: str, at: int) -> None:
    said.unknown.append((token, at))


def _skip(said: _Said, g: dict, token: str, at: int) -> None:
    pass


@dataclass(frozen=True)
class TokenKind:
    kind: str
    pattern: str
    fill: Fill


_CTX_WORD = r"(?:ctx|context(?:[\s_-]*(?:length|len|window))?|上下文(?:长度)?)"
_USERS_WORD = r"(?:users?|sequences?|seqs|requests?|reqs|streams?|sessions?|batch|并发|个用户|用户|个并发|路并发)"

# Tried in order at each position; the first that matches takes the token.
TOKENS: tuple[TokenKind, ...] = (
    TokenKind("bad_comma", r"\d+,\d{1,2}(?!\d)|\d+,\d{4,}", _refuse_comma),
    TokenKind("negative", rf"(?<![a-z0-9])-\s*{_NUM}", _refuse_negative),
    TokenKind(
        "max_context",
        rf"max(?:imum)?[\s_-]*(?:ctx|context(?:[\s_-]*(?:length|len))?|tokens){_END}|最大上下文(?:长度)?"
        r"|how\s+(?:much|long(?:\s+a)?)\s+(?:ctx|context)(?![a-z])",
        _solve("context"),
    ),
    TokenKind(
        "max_users",
        rf"max(?:imum)?[\s_-]*(?:users|batch|sequences|seqs|concurrency|requests){_END}"
        r"|how\s+many\s+(?:concurrent\s+|parallel\s+)?(?:users|requests|sequences)(?![a-z])"
        r"|最大并发(?:数)?|最多(?:多少)?(?:个)?(?:用户|并发)",
        _solve("users"),
    ),
    TokenKind(
        "kv", rf"(?:--)?kv(?:[\s_-]*cache)?(?:[\s_-]*dtype)?\s*[=:]?\s*(?P<kv>{_KV}){_END}", _kv
    ),
    TokenKind(
        "kv",  # 'fp8 kv cache', but not 'bf16 kv=fp16' nor 'fp16 kv cache q8_0'
        rf"(?P<kv>{_KV})[\s_-]*kv(?:[\s_-]*cache)?{_END}(?!\s*[=:])(?![\s_-]*(?:dtype\s*)?{_KV}{_END})",
        _kv,
    ),
    TokenKind(
        "context",
        rf"(?:--)?(?:{_CTX_WORD}|seq(?:uence)?[\s_-]*len(?:gth)?|seq|max[\s_-]*model[\s_-]*len|"
        rf"max[\s_-]*len)\s*[=:]?\s*(?P<n>{_NUM})\s*(?P<unit>[km])?{_END}",
        _context,
    ),
    TokenKind(
        "context",
        rf"(?P<n>{_NUM})\s*(?P<unit>[km])?[\s-]*(?:tokens?[\s-]*)?(?:of[\s-]+)?{_CTX_WORD}{_END}"
        r"(?!\s*[=:])",  # '1M ctx=8k' is a size, then a context
        _context,
    ),
    TokenKind("context", rf"(?P<n>{_NUM})\s*(?P<unit>[km])?[\s-]*tokens?{_END}", _context),
    TokenKind("context", rf"at\s+(?P<n>{_NUM})\s*(?P<unit>[km])?{_END}", _context),
    TokenKind(
        "users",
        rf"(?:--)?(?:users?|batch(?:[\s_-]*size)?|bs|concurrency|seqs|sequences|"
        rf"max[\s_-]*num[\s_-]*seqs|micro[\s_-]*batch(?:[\s_-]*size)?|mbs)\s*[=:]\s*(?P<n>{_NUM}){_END}",
        _users,
    ),
    TokenKind(
        "users",
        rf"(?:(?P<n>{_NUM})\s*|(?P<w>{_COUNT_WORD})\s+)(?:concurrent\s+|parallel\s+|simultaneous\s+)?"
        rf"{_USERS_WORD}(?![a-z0-9_])(?!\s*[=:])",  # "7000000 users=4": a size, then users
        _users,
    ),
    TokenKind(
        "users",
        rf"(?:batch(?:[\s_-]*(?:size|of))?|并发(?:数)?|用户数?)\s*(?P<n>{_NUM}){_END}",
        _users,
    ),
    TokenKind(
        "nodes",
        r"how\s+many\s+(?:8[\s-]*gpu\s+)?(?:nodes|servers|machines|hosts)(?![a-z])|"
        r"(?:几|多少)(?:个|台)(?:节点|机器|服务器)",
        _flag("wants_nodes"),
    ),
    TokenKind(
        "gpu",
        rf"(?:(?P<n>{_NUM})\s*(?:x|\*)?\s*|(?P<w>{_COUNT_WORD})\s+(?:x\s*)?"
        rf"|(?P<zh>{_ZH_COUNT})\s*(?:张|块|卡|张卡|块卡|x)\s*)?"
        rf"(?P<gpu>{_GPU})s?(?:[\s-]*\d+\s*gb)?(?:\s*(?:x|\*)\s*(?P<after>\d+))?{_END}",
        _gpu,
    ),
    TokenKind(
        "capacity",
        rf"(?:how\s+many\s+(?P<ask>))?(?:(?P<n>\d+)\s*x\s*|(?P<m>\d{{1,2}})\s+|(?P<w>{_COUNT_WORD})\s+)?"
        rf"(?P<cap>{_NUM})\s*"
        r"(?P<unit>gib|gb|tb|gigabytes?|gigs?|g)(?:\s+(?:of\s+)?(?:vram|memory|gpu|显存))?(?![a-z0-9_])",
        _capacity,
    ),
    # before the formats: "qlora" is also an alias of nf4, the format QLoRA trains on
    TokenKind("task", rf"{_TASK}(?![a-z])", _task),
    TokenKind("q_bits", rf"q\s*=\s*(?P<n>{_NUM}){_END}", _width("q_bits")),
    TokenKind("precision", rf"(?P<name>{_PRECISION}){_END}", _precision),
    TokenKind(
        "bits",
        rf"(?P<n>{_NUM})\s*-?\s*(?:bits?|位)(?:\s*(?:per|/)\s*(?:param(?:eter)?|weight))?{_END}",
        _width("bits"),
    ),
    TokenKind(
        "bytes",
        rf"(?P<n>{_NUM})\s*-?\s*bytes?(?:\s*(?:per|/)\s*(?:param(?:eter)?|weight))?{_END}",
        _width("bytes"),
    ),
    TokenKind(
        "size",
        rf"(?P<n>{_NUM})\s*(?P<unit>bn|b|mn|m|tn|t|k|thousand|million|billion|trillion|万|亿)"
        rf"(?P<suffix>[\s-]*(?:params?|parameters?|weights|参数))?{_END}",
        _size,
    ),
    TokenKind("size", rf"(?P<n>{_NUM})(?P<suffix>[\s-]*(?:params?|parameters?)){_END}", _size),
    TokenKind(
        "compare",
        rf"(?:--)?(?:compare|all)(?:[\s_-]*(?:gpus?|cards))?{_END}|which\s+(?:cards?|gpus?)"
        r"|what\s+(?:cards?|gpus?)|哪(?:张|种|款|个)?(?:卡|显卡|gpu)|什么(?:卡|显卡)",
        _flag("compare_all"),
    ),
    TokenKind(
        "versus",
        r"(?:vs\.?|versus|or|compared\s+(?:to|with)|against|对比|还是|比较)(?![a-z])",
        _versus,
    ),
    TokenKind("engine", rf"(?:(?:--)?engine\s*[=:]\s*)?(?P<engine>{_ENGINE})(?![a-z0-9])", _engine),
    # Training options (estimator.training_options reads each value, or says what is wrong).
    TokenKind(
        "gc",
        r"(?P<off>(?:no|without)[\s_-]+)?(?:gradient[\s_-]*checkpointing|activation[\s_-]*"
        r"checkpointing|grad[\s_-]*(?:ckpt|checkpointing)|gc(?![a-z0-9]))",
        _training("gradient_checkpointing", lambda g: g["off"] is None),
    ),
    TokenKind(
        "sharding",
        r"(?:deepspeed[\s_-]*)?zero[\s_-]*(?:stage[\s_-]*)?\d+(?![0-9])|fsdp(?![a-z0-9])"
        r"|ddp(?![a-z0-9])|no[\s_-]+sharding",
        _training("sharding", lambda g: read_sharding(g[""])),
    ),
    TokenKind(
        "optimizer",
        rf"optim(?:izer)?\s*[=:]\s*(?P<name>[a-z0-9][a-z0-9_.\-]*)|(?P<bare>{_OPTIMIZER})(?![a-z0-9])",
        _training("optimizer", lambda g: read_optimizer(g["name"] or g["bare"])),
    ),
    TokenKind(
        "rank",
        r"(?:lora[\s_-]*)?(?:rank|r)\s*[=:]\s*(?P<n>[+-]?\d+)(?![0-9])|rank\s+(?P<m>\d+)(?![0-9])",
        _training("rank", lambda g: read_rank(g["n"] or g["m"])),
    ),
    TokenKind(
        "targets",
        r"(?:lora[\s_-]*)?targets?(?:[\s_-]*modules)?\s*[=:]\s*(?P<t>[a-z0-9_\-]+(?:,[a-z0-9_\-]+)*)",
        _training("targets", lambda g: read_targets(g["t"])),
    ),
    TokenKind("number", rf"{_NUM}{_END}", _number),
    TokenKind("zh", _ZH_FILLER, _skip),
    TokenKind("word", r"[a-z][a-z0-9'’_.:/\-]*[a-z0-9]|[a-z]", _word),
    TokenKind("punctuation", r"[?!.,;:()\[\]{}\"'`“”‘’/|*+&@#~<>=]+", _skip),
    TokenKind("cjk", r"[\u3400-\u9fff\uf900-\ufaff]", _unknown),
    TokenKind("unknown", r"[^\s\u3400-\u9fff]+", _unknown),
)


_ASCII = frozenset(chr(code) for code in range(128))


def _first_chars(items) -> tuple[frozenset[str], bool]:
    """The ASCII characters a regex (parsed by re's own parser) can begin with, and whether it
    can match empty. Anything not understood here may begin with any character."""
    chars: set[str] = set()
    for op, av in items:
        first, empty = _first_of(op, av)
        chars |= first
        if not empty:
            return frozenset(chars), False
    return frozenset(chars), True


def _first_of(op, av) -> tuple[frozenset[str] | set[str], bool]:
    if op is sre.LITERAL:
        return {chr(av)} & _ASCII, False
    if op is sre.IN:
        chars = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE:
                chars |= {chr(c) for c in range(value[0], min(value[1], 127) + 1)}
            elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                chars |= set("0123456789")
            elif kind is sre.CATEGORY and value is sre.CATEGORY_SPACE:
                chars |= set(" \t\n\r\f\v")
            else:
                return _ASCII, False
        return chars & _ASCII, False
    if op is sre.BRANCH:
        firsts = [_first_chars(branch) for branch in av[1]]
        return set().union(*(f for f, _ in firsts)), any(e for _, e in firsts)
    if op is sre.SUBPATTERN:
        return _first_chars(av[3])
    if op is sre.ATOMIC_GROUP:
        return _first_chars(av)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        first, empty = _first_chars(av[2])
        return first, empty or av[0] == 0
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True  # a lookaround narrows what follows; ignoring it keeps a superset
    return _ASCII, False


def _compile(tokens: tuple[TokenKind, ...]):
    """The table as regexes: alternative i is row i, its groups renamed g<i>_<name>. One regex
    per first character holds only the rows that can begin with it (in table order), so a
    token is tried against a few rows, not all of them; other characters try every row."""
    alternatives, groups, firsts = [], [], []
    for index, token in enumerate(tokens):
        names = re.findall(r"\(\?P<(\w+)>", token.pattern)
        pattern = re.sub(r"\(\?P<(\w+)>", rf"(?P<g{index}_\1>", token.pattern)
        alternatives.append(f"(?P<t{index}>{pattern})")
        groups.append(tuple((name, f"g{index}_{name}") for name in names))
        first, empty = _first_chars(sre.parse(token.pattern))
        if empty:
            raise ValueError(f"parse.TOKENS: the {token.kind} row can match nothing")
        firsts.append(first)

    compiled: dict[tuple[int, ...], re.Pattern] = {}

    def scanner(rows: tuple[int, ...]) -> re.Pattern:
        if rows not in compiled:
            compiled[rows] = re.compile("|".join(alternatives[i] for i in rows))
        return compiled[rows]

    every = scanner(tuple(range(len(tokens))))
    by_char = {
        char: scanner(tuple(i for i, first in enumerate(firsts) if char in first))
        for char in _ASCII
        if not char.isspace()
    }
    return by_char, every, tuple(groups)


_BY_CHAR, _EVERY_ROW, _GROUPS = _compile(TOKENS)
_ROW = {f"t{index}": index for index in range(len(TOKENS))}


def _read_tokens(text: str) -> _Said:
    said = _Said()
    position, end = 0, len(text)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        match = _BY_CHAR.get(text[position], _EVERY_ROW).match(text, position)
        if match is None:  # no row begins with this character: it is not understood
            said.unknown.append((text[position], position))
            position += 1
            continue
        index = _ROW[match.lastgroup]
        groups = {name: match.group(full) for name, full in _GROUPS[index]}
        TOKENS[index].fill(said, groups, match.group(), position)
        position = match.end()
    return said


# ---------------------------------------------------------------------------- the Query


def _hub_repo(text: str) -> tuple[str, str | None, str] | None:
    """(repo id, revision, the text naming it) of a Hugging Face repository (estimator.hub_ref):
    only recognised here; hub/ looks it up."""
    if "/" not in text:
        return None
    ref = find_repo_ref(_normalise_case(unicodedata.normalize("NFKC", text)))
    if ref is None:
        return None
    return (
        ref.repo_id,
        ref.revision,
        _normalise_case(unicodedata.normalize("NFKC", text))[ref.start : ref.end],
    )


def _cut(text: str, start: int, end: int) -> str:
    return text[:start] + " " + text[end:]


@dataclass(frozen=True)
class _Reading:
    """One question read: the model found by name (or by typo, or family), and the rest."""

    said: _Said
    model: object | None
    name_note: NameNote | None
    hub: tuple[str, str | None] | None


def _read(text: str, names: NameIndex, question: bool = True) -> _Reading:
    normalised = normalise(text).strip()
    if question and not normalised:
        raise QueryError("Tell me a model size or name.")
    model, note, hub = None, None, None
    found = names.find_model(normalised)
    if found is not None:
        model = found.model
        normalised = _cut(normalised, found.start, found.end)
    else:
        repo = _hub_repo(text)
        if repo is not None:
            hub, written = repo[:2], repo[2].casefold()
            at = normalised.find(written)
            if at >= 0:
                normalised = _cut(normalised, at, at + len(written))
    try:
        said = _read_tokens(normalised)
    except QueryError as error:
        said = None
        refusal = error
    if model is None and hub is None and (said is None or said.unknown or said.problems):
        typo = names.correct_typo(normalised)
        if typo is not None:
            model, note = typo.model, NameNote("typo", typo.written)
            said = _read_tokens(_cut(normalised, typo.start, typo.end))
    if said is None:
        raise refusal
    return _Reading(said, model, note, hub)


def _family_pick(said: _Said, names: NameIndex):
    """'llama 70b', 'qwen 32b', 'lamma 3': a family word among the unknown ones, with the
    version number after it and the size given. Returns (model or None, note, the words used)."""
    for position, (word, start) in enumerate(said.unknown):
        version = None
        end = start + len(word)
        for number, at in said.numbers:
            if at in (end, end + 1):
                version = number
        pick = names.family_pick(word, version, said.params)
        if pick is None:
            continue
        used = [word] + ([version] if version else []) + [said.size_written or ""]
        said.unknown.pop(position)
        if version:
            said.numbers = [(n, at) for n, at in said.numbers if n != version or at < end]
        return pick, " ".join(used).strip()
    return None, None


def _unknown_error(words: list[str], said: _Said, names: NameIndex) -> QueryError:
    word = words[0]
    if names.looks_like_model_name(word):
        suggestions = names.suggest_models(word, params=said.params)
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        return QueryError(
            f"I don't know the model '{word}'.{hint} A bare size works for any model: 70B fp16.",
            example=suggestions[0] if suggestions else "70B fp16",
            suggestions=suggestions,
        )
    shown = ", ".join(f"'{w[:40]}'" for w in words[:3])
    return QueryError(f"I did not understand {shown}.")


def _check_length(text) -> None:
    if not isinstance(text, str):
        raise QueryError("Ask me with text.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"That is {len(text):,} characters; a question is at most {MAX_QUERY_CHARS}."
        )


def _resolve(reading: _Reading, names: NameIndex, has_core: bool):
    """The model named (exactly, by typo or by family), the words left over, and what to say."""
    said, model, note = reading.said, reading.model, reading.name_note
    if model is None and reading.hub is None and said.unknown:
        pick, written = _family_pick(said, names)
        if pick is not None and pick.model is not None:
            model = pick.model
            kind = "typo" if pick.fuzzy else "family"
            note = NameNote(kind, written, pick.alternatives)
        elif pick is not None:
            keys = pick.alternatives
            raise QueryError(
                f"'{written}' could be {', '.join(keys)}; which one? (or give a size: 70B)",
                example=keys[0],
                suggestions=keys,
            )
    if said.problems:
        raise said.problems[0]
    _card_numbers(said)
    if said.numbers:
        raise QueryError(
            f"'{said.numbers[0][0]}' what? Write 70B for 70 billion parameters, ctx=8k, or 4 users."
        )
    if said.thousands:
        if model is None and said.params is None and not has_core:
            _params(said.thousands[0], "k")  # raises: 'too small … write ctx=32k'
        for raw in said.thousands:
            said.set_once("context_tokens", _context_tokens(raw, "k"), "context")
    return model, note


_CARD_MAKERS = frozenset(("rtx", "gtx", "rx", "geforce", "radeon", "quadro", "tesla", "arc"))
_CARD_NUMBER = re.compile(r"[1-9]\d{2,3}")  # 3060, 7900, 780: a card's model number
_GEFORCE = re.compile(r"[1-5]0[5-9]0")  # 1080, 2070, 3060, 4060, 5080: GeForce cards


def _card_numbers(said: _Said) -> None:
    """'rtx 3060', '3060 12gb': a card not in the catalog. With its memory said, the memory is
    the card and the name is left unused; without it, the refusal asks for the memory."""
    for number, at in list(said.numbers):
        maker = next((w for w, start in said.unknown if start + len(w) + 1 == at), None)
        capacity = any(request.capacity_only for request in said.gpus)
        geforce = _GEFORCE.fullmatch(number) is not None
        if not _CARD_NUMBER.fullmatch(number) or not (capacity or geforce or maker in _CARD_MAKERS):
            continue
        if not capacity:
            name = f"{maker} {number}" if maker in _CARD_MAKERS else number
            raise QueryError(
                f"I don't know the card '{name}'. Say its memory instead ('a 12GB card'), "
                "or pick a card I know (compare lists them).",
                example="13B int4 on a 12GB card",
            )
        said.numbers.remove((number, at))
        said.unknown.append((number, at))
        said.unknown.sort(key=lambda word: word[1])


def _words_left(said: _Said) -> list[str]:
    return [word for word, _ in said.unknown]


_TRAINING = (
    "fine-tune"  # training said in general (data/words.toml): full, unless a method is named
)


def _training_options(said: _Said) -> TrainingOptions | None:
    """The training method and its options; batch= is the micro-batch and ctx=/seq= the
    sequence length of a training question. Options alone (zero3, gc) mean full training."""
    if said.task is None and not said.training:
        return None
    return TrainingOptions(
        method="full" if said.task in (None, _TRAINING) else said.task,
        micro_batch=None if said.sequences is None else read_micro_batch(str(said.sequences)),
        seq_len=None if said.context_tokens is None else read_seq_len(said.context_tokens),
        **said.training,
    )


def parse(text: str, names: NameIndex | None = None) -> Query:
    """Understand a question like '70B fp16', 'llama-3.1-70b int4 ctx=32k users=20 on 2x h100',
    'can we run qwen3-32b on two h100s?', '部署 Llama 3.1 70B 需要几张 H100'."""
    _check_length(text)
    names = names or model_names.CATALOG
    reading = _read(text, names)
    said = reading.said
    model, note = _resolve(reading, names, has_core=False)
    words = _words_left(said)
    if model is None and said.params is None and reading.hub is None:
        if words:
            raise _unknown_error(words, said, names)
        raise QueryError("Tell me a model size (70B) or a model name (llama-3.1-70b).")
    if model is None and said.params is not None and words:
        word = next((w for w in words if names.looks_like_model_name(w)), None)
        if word is not None:  # 'codestral-9000 22b': answered for 22B, saying so
            note = NameNote("unknown", word, names.suggest_models(word, params=said.params))
            words.remove(word)
    if model is not None and said.params is not None and not _same_size(model, said.params):
        raise QueryError(
            "Give either a model name or a size, not both.", example="llama-3.1-70b fp16"
        )
    return _query(text.strip(), said, model, note, reading.hub, words)


def _same_size(model, params: int) -> bool:
    return abs(model.params - params) <= 0.1 * params


def _query(text: str, said: _Said, model, note, hub, words, base: Query | None = None) -> Query:
    precision = said.precision
    if precision is None:
        precision = find_precision(model.native_precision) if model else DEFAULT_PRECISION
    training = _training_options(said)
    serving = training is None
    return Query(
        text=text,
        params=model.params if model else (said.params or 0),
        precision=precision,
        precision_given=said.precision is not None,
        model=model,
        workload=Workload(
            context_tokens=said.context_tokens,  # training: the sequence length too
            sequences=(said.sequences or 1) if serving else 1,
            kv_format=said.kv_format,
            sequences_given=said.sequences is not None and serving,
        ),
        gpus=tuple(said.gpus),
        compare_all=said.compare_all,
        solve_for=said.solve_for,
        ignored_words=tuple(words),
        task=training.method if training else "serve",
        training=training,
        engine=said.engine,
        hub_repo=hub[0] if hub else None,
        hub_revision=hub[1] if hub else None,
        wants_nodes=said.wants_nodes,
        compare_precisions=tuple(said.compare_precisions),
        name_note=note,
    )


# ---------------------------------------------------------------------------- follow-ups


def parse_follow_up(text: str, previous: Query, names: NameIndex | None = None) -> Query:
    """A follow-up in a thread, read against the question before it: 'same with int4',
    'and at 32k?', 'what about 8 users', 'on h200 instead' change only what they name.
    A new model or size keeps the rest of the question (and the format, if one was given)."""
    _check_length(text)
    names = names or model_names.CATALOG
    reading = _read(text, names, question=False)
    said = reading.said
    model, note = _resolve(reading, names, has_core=True)
    words = _words_left(said)
    if model is None and said.params is None and not said.anything and reading.hub is None:
        if words:
            raise _unknown_error(words, said, names)
        raise QueryError(
            "I did not see what to change: a format (int4), a context (32k), users (8 users), "
            "cards (on 2x h100) or a model.",
            example="same with int4",
        )
    training_said = said.training or said.sequences is not None or said.context_tokens is not None
    if previous.training is not None and said.task is None and training_said:
        said.task = previous.task  # 'batch=4', 'rank=64' change the training question
    changed = _query(text.strip(), said, model, note, reading.hub, words)
    return _merge(previous, changed, said, model, reading.hub)


def _merged_training(
    previous: TrainingOptions | None, said: TrainingOptions | None
) -> TrainingOptions | None:
    """A training follow-up keeps the options it does not name; LoRA's rank and targets go
    when it asks for full training."""
    if previous is None or said is None:
        return said
    kept = {
        name: getattr(previous, name)
        for name in ("optimizer", "micro_batch", "seq_len", "gradient_checkpointing", "sharding")
        if getattr(said, name) is None
    }
    merged = replace(said, **kept)
    if merged.uses_adapters:
        adapter_options = {
            "rank": merged.rank or previous.rank,
            "targets": merged.targets or previous.targets,
        }
        merged = replace(merged, **adapter_options)
    return merged


def _merge(previous: Query, changed: Query, said: _Said, model, hub) -> Query:
    new_model = model is not None or said.params is not None or hub is not None
    query = previous
    if new_model:
        precision = previous.precision if previous.precision_given else changed.precision
        query = replace(
            query,
            model=changed.model,
            params=changed.params,
            hub_repo=changed.hub_repo,
            hub_revision=changed.hub_revision,
            name_note=changed.name_note,
            precision=precision,
        )
    if said.precision is not None:
        query = replace(
            query,
            precision=changed.precision,
            precision_given=True,
            compare_precisions=changed.compare_precisions,
        )
    workload = previous.workload
    if said.context_tokens is not None:  # for training, the sequence length too
        workload = replace(workload, context_tokens=said.context_tokens)
    if said.sequences is not None and changed.task == "serve":
        workload = replace(workload, sequences=said.sequences, sequences_given=True)
    if said.kv_format is not None:
        workload = replace(workload, kv_format=said.kv_format)
    query = replace(query, workload=workload)
    if said.gpus:
        query = replace(query, gpus=changed.gpus)
    for name in ("compare_all", "wants_nodes"):
        if getattr(said, name):
            query = replace(query, **{name: True})
    if said.solve_for:
        query = replace(query, solve_for=said.solve_for)
    if said.engine:
        query = replace(query, engine=said.engine)
    if said.task:
        training = _merged_training(previous.training, changed.training)
        query = replace(query, task=changed.task, training=training)
    return replace(query, text=changed.text, ignored_words=changed.ignored_words)
