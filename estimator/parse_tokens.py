"""The token table of the parser: every kind of token a question is made of, its pattern,
and how it fills what was said (`Said`). estimator.parse reads a whole question with it.

Rows are tried in order at each position and the first that matches takes the token; one
regex per first character holds only the rows that can begin with it. A new word is a new
row, or an entry of data/words.toml (filler in both languages, number words, training
methods, engines).
"""

import re
import re._parser as sre  # to read which characters each row can begin with
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from estimator.errors import QueryError
from estimator.gpus import find_gpu
from estimator.parse_numbers import (
    BIT_FACTORS,
    MAX_GPUS,
    MAX_SEQUENCES,
    capacity_gpu,
    read_bits,
    read_capacity,
    read_context,
    read_count,
    read_decimal,
    read_params,
)
from estimator.precisions import KvFormat, Precision, find_kv_format, find_precision
from estimator.query import GpuRequest
from estimator.tables import load_table
from estimator.training_options import (
    read_optimizer,
    read_rank,
    read_sharding,
    read_targets,
)

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?"
_END = r"(?![a-z0-9_])"
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
# Training said in general (data/words.toml): a full fine-tune, unless a method is named.
GENERAL_TRAINING = "fine-tune"


def _count(raw: str, what: str, maximum: int) -> int:
    """'two', 'a pair of', '两', '8': a count of cards or users."""
    word = re.sub(r"[\s_\-]+", " ", raw.strip())
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return read_count(raw, what, maximum)


@dataclass
class Said:
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


Fill = Callable[[Said, dict, str, int], None]


def _refuse_comma(said: Said, g: dict, token: str, at: int) -> None:
    said.problems.append(QueryError(f"'{token}' is ambiguous: write decimals with a dot (7.5B)."))


def _refuse_negative(said: Said, g: dict, token: str, at: int) -> None:
    shown = token.replace(" ", "")
    raise QueryError(f"'{shown}' is negative; sizes and counts must be positive.")


def _solve(what: str) -> Fill:
    return lambda said, g, token, at: said.set_once("solve_for", what, "question")


def _kv(said: Said, g: dict, token: str, at: int) -> None:
    said.set_once("kv_format", find_kv_format(g["kv"]), "KV cache format")


def _context(said: Said, g: dict, token: str, at: int) -> None:
    said.set_once("context_tokens", read_context(g["n"], g.get("unit")), "context")


def _users(said: Said, g: dict, token: str, at: int) -> None:
    said.set_once("sequences", _count(g.get("n") or g["w"], "users", MAX_SEQUENCES), "user count")


def _gpu(said: Said, g: dict, token: str, at: int) -> None:
    raw = g.get("n") or g.get("w") or g.get("after") or g.get("zh")
    count = None if raw in (None, "几") else _count(raw, "GPUs", MAX_GPUS)
    said.gpus.append(GpuRequest(_card_of_memory(g), count))


def _card_of_memory(g: dict):
    """The card named, in the memory said beside it ("a100 40gb", "rtx 3060 with 12GB"): the
    variant of that memory, the card itself when it has it, else a clear refusal."""
    gpu = find_gpu(g["gpu"])
    said_gb = g.get("mem") or g.get("with") or g.get("paren")
    if said_gb is None:
        return gpu
    variant = find_gpu(f"{g['gpu']} {said_gb}gb")
    if variant is not None:
        return variant
    nominal = re.search(r"(\d+)GB$", gpu.name)
    sizes = {int(n) for n in re.findall(r"(\d+)\s*GB", f"{gpu.name} {gpu.spec}")}
    if nominal is None or int(said_gb) in sizes:  # "b200 192gb": its spec's physical size
        return gpu
    raise QueryError(
        f"The {g['gpu']} I know is {gpu.name}, a {nominal.group(1)} GB card, not {said_gb} GB: "
        f"name the card alone, or ask for 'a {said_gb}GB card'.",
        example=f"llama-3.1-8b q4_k_m on a {said_gb}GB card",
    )


def _capacity(said: Said, g: dict, token: str, at: int) -> None:
    memory = read_capacity(g["cap"], g["unit"])
    raw = g.get("n") or g.get("m") or g.get("w") or "1"
    count = None if g.get("ask") is not None else _count(raw, "GPUs", MAX_GPUS)
    said.gpus.append(GpuRequest(capacity_gpu(memory), count, capacity_only=True))


def _set_precision(said: Said, precision: Precision) -> None:
    if said.precision is None:
        said.precision = precision
    elif said.versus and precision not in said.compare_precisions:
        said.compare_precisions = (said.compare_precisions or [said.precision]) + [precision]
        said.versus = False
    elif precision != said.precision and precision not in said.compare_precisions:
        raise QueryError("You gave two precisions; ask about one at a time (or fp8 vs fp16).")


def _width(kind: str) -> Fill:
    def fill(said: Said, g: dict, token: str, at: int) -> None:
        _set_precision(said, read_bits(Fraction(read_decimal(g["n"])) * BIT_FACTORS[kind]))

    return fill


def _precision(said: Said, g: dict, token: str, at: int) -> None:
    _set_precision(said, find_precision(g["name"]))


def _size(said: Said, g: dict, token: str, at: int) -> None:
    unit = g.get("unit")
    if unit in ("k", "thousand") and not g.get("suffix"):
        said.thousands.append(g["n"])  # '64k': a context once a model or a size is known
        return
    said.set_once("params", read_params(g["n"], unit), "model size")
    said.size_written = token


def _number(said: Said, g: dict, token: str, at: int) -> None:
    if read_decimal(token) >= 10**6:  # '7e10', '70,000,000,000': a parameter count
        said.set_once("params", read_params(token, None), "model size")
    else:
        said.numbers.append((token, at))


def _flag(name: str) -> Fill:
    return lambda said, g, token, at: setattr(said, name, True)


def _versus(said: Said, g: dict, token: str, at: int) -> None:
    said.versus = True


def _task(said: Said, g: dict, token: str, at: int) -> None:
    method = _TASKS[_word_key(token)]
    pair = {said.task, method}
    if method == GENERAL_TRAINING:  # 'fine-tune' beside a method names that method
        said.task = said.task or method
    elif said.task in (None, method, GENERAL_TRAINING):
        said.task = method
    elif "dpo" in pair and pair & {"lora", "qlora"}:  # DPO with LoRA/QLoRA adapters
        said.task = "dpo"
        said.training["adapter"] = (pair - {"dpo"}).pop()
    else:
        raise QueryError("You gave two training methods; ask about one at a time.")


def _engine(said: Said, g: dict, token: str, at: int) -> None:
    said.set_once("engine", _ENGINES[_word_key(g["engine"])], "engine")


def _training(name: str, read: Callable[[dict], object]) -> Fill:
    def fill(said: Said, g: dict, token: str, at: int) -> None:
        value = read({**g, "": token})
        if said.training.get(name, value) != value:
            raise QueryError(f"You gave two values for {name}; ask about one at a time.")
        said.training[name] = value

    return fill


def _word(said: Said, g: dict, token: str, at: int) -> None:
    if token not in _FILLER:
        said.unknown.append((token, at))


def _unknown(said: Said, g: dict, token: str, at: int) -> None:
    said.unknown.append((token, at))


def _skip(said: Said, g: dict, token: str, at: int) -> None:
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
    TokenKind(
        "context",  # 'at 32k', 'at 8192', but not 'at 4 bits', 'at 8 users'
        rf"at\s+(?P<n>{_NUM})\s*(?P<unit>[km])?{_END}"
        r"(?![\s-]*(?:bits?|bytes?|位|users?|requests?|seqs|sequences?|gpus?|cards?|gi?b|[bt](?![a-z])))",
        _context,
    ),
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
        r"(?:几|多少)(?:个|台)(?:节点|机器|服务器)?",  # '几台8卡H100': how many 8-GPU machines
        _flag("wants_nodes"),
    ),
    TokenKind(
        "gpu",
        rf"(?:(?P<n>{_NUM})\s*(?:x|\*)?\s*|(?P<w>{_COUNT_WORD})\s+(?:x\s*)?"
        rf"|(?P<zh>{_ZH_COUNT})\s*(?:张|块|卡|张卡|块卡|x)\s*)?"
        rf"(?P<gpu>{_GPU})s?(?:[\s-]*(?P<mem>\d+)\s*gb|\s+with\s+(?P<with>\d+)\s*gb"
        rf"|\s*\(\s*(?P<paren>\d+)\s*gb\s*\))?(?:\s*(?:x|\*)\s*(?P<after>\d+))?{_END}",
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


def read_tokens(text: str) -> Said:
    said = Said()
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
