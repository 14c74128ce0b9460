"""Finding a catalog model named inside a free-form question, and "did you mean" for the rest.

A name is matched as its sequence of tokens (runs of letters, numbers like 3.1): 'Llama 3.1
70B', 'llama3.1:70b' and 'llama-3.1-70b' are all (llama, 3.1, 70, b). Between tokens any
of space, '-', '_', ':' may stand, and must where two numbers meet (3 70 is not 370). One
regex, a trie of every name's tokens, is compiled at import: it scans a query in one pass
and, at each place, prefers the longest name. Separators are possessive (never backtracked
into), so pathological input costs ~0.2 ms per 4,000 characters, a question ~15 µs.
"""

import difflib
import re
from dataclasses import dataclass

from estimator.models import ALL_MODELS, Model
from estimator.precisions import find_kv_format, find_precision
from estimator.tables import name_key

_TOKEN = re.compile(r"\d+(?:\.\d+)*|[a-z]+")
_SEPARATOR = r"[\s_\-:]"
_END = r"(?![a-z0-9]|\.\d)"  # a name ends at a word boundary, not inside 3.1 or 70b
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_PATH_CHARS = _ASCII_ALNUM | frozenset("_.-")
# Suffixes of HF repository names and Ollama tags that keep the architecture.
_SUFFIXES = re.compile(
    r"(?:(?:[-_](?:instruct|chat|it|hf|base|pt|v\d+(?:\.\d+)*|\d{4})"
    r"|\s+(?:instruct|chat|base|v\d+(?:\.\d+)*))" + _END + r")*"
)
_DISTILLED = re.compile(r"[\s_\-:]*distill")  # DeepSeek-R1-Distill-Llama-70B is a Llama
_SIZE_NEXT = re.compile(_SEPARATOR + r"*+\d+(?:\.\d+)?[bm]" + _END)
_JOINED_TAG = re.compile(r"[-_:][a-z0-9]")  # a quantisation tag glued on: -awq, -q4_k_m
_HAS_SIZE = re.compile(r"\d(?:\.\d+)?b(?![a-z])")


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(name.translate(_ASCII_LOWER)))


def _build_index() -> tuple[dict[tuple[str, ...], Model], frozenset[tuple[str, ...]]]:
    index: dict[tuple[str, ...], Model] = {}
    sizeless = set()
    for model in ALL_MODELS:
        for name in model.names:
            tokens = _tokens(name)
            if index.setdefault(tokens, model) is not model:
                raise ValueError(
                    f"data/models: '{name}' names both {index[tokens].key} and {model.key}"
                )
            if not _HAS_SIZE.search("".join(tokens)):
                sizeless.add(tokens)
    return index, frozenset(sizeless)


def _trie_regex(names: list[tuple[str, ...]]) -> str:
    trie: dict = {}
    for tokens in names:
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}  # end of a name

    def branch(node: dict, previous: str | None) -> str:
        options = []
        for token in sorted((t for t in node if t), key=lambda t: (-len(t), t)):
            separator = ""
            if previous is not None:
                digits_meet = previous[-1].isdigit() and token[0].isdigit()
                separator = _SEPARATOR + ("++" if digits_meet else "*+")
            options.append(separator + re.escape(token) + branch(node[token], token))
        if "" in node:
            options.append(_END)  # tried last: longer names first
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return branch(trie, None)


_INDEX, _SIZELESS = _build_index()
_PATTERN = re.compile(_trie_regex(list(_INDEX)))


@dataclass(frozen=True)
class ModelMatch:
    model: Model
    start: int  # the span of the matched name in the text given to find_model
    end: int


def _prefix_start(text: str, start: int) -> int:
    """Where an 'org/' prefix (or a whole huggingface.co URL) before a name begins."""
    while start > 1 and text[start - 1] == "/" and text[start - 2] in _PATH_CHARS:
        segment = start - 1
        while segment > 0 and text[segment - 1] in _PATH_CHARS:
            segment -= 1
        start = segment
    for scheme in ("https://", "http://"):
        if text.startswith(scheme, start - len(scheme)):
            return start - len(scheme)
    return start


def find_model(text: str) -> ModelMatch | None:
    """The first catalog model named anywhere in `text`, case-insensitively, with its span
    (org prefix and -Instruct-like suffixes included, and the '-' that glues on a tag such
    as '-AWQ' or '-q4_K_M') so that the caller can cut it out and read the rest."""
    lowered = text.translate(_ASCII_LOWER)  # same length as text, unlike str.lower()
    position = 0
    while match := _PATTERN.search(lowered, position):
        start, end = match.span()
        position = start + 1
        if start and lowered[start - 1] in _ASCII_ALNUM:
            continue  # inside a longer word
        tokens = _tokens(match.group())
        end = _SUFFIXES.match(lowered, end).end()
        if _DISTILLED.match(lowered, end):
            continue
        if tokens in _SIZELESS and _SIZE_NEXT.match(lowered, end):
            continue  # 'deepseek-r1:70b' is a distill, not DeepSeek-R1 with a size
        if _JOINED_TAG.match(lowered, end):
            end += 1  # 'llama3.1:70b-q4_K_M': take the '-' so that 'q4_k_m' stands alone
        return ModelMatch(_INDEX[tokens], _prefix_start(lowered, start), end)
    return None


def _compact(name: str) -> str:
    return name_key(name.rsplit("/", 1)[-1]).replace(":", "")


_COMPACT_NAMES = tuple((_compact(name), model) for model in ALL_MODELS for name in model.names)
_FAMILIES = tuple(sorted({_tokens(model.key)[0] for model in ALL_MODELS}))


def suggest_models(name: str, limit: int = 3) -> tuple[str, ...]:
    """The catalog keys closest to a name the catalog does not know, best first."""
    wanted = _compact(name)
    if not wanted or limit < 1:
        return ()
    best: dict[str, float] = {}
    for compact, model in _COMPACT_NAMES:
        score = difflib.SequenceMatcher(None, wanted, compact, autojunk=False).ratio()
        best[model.key] = max(best.get(model.key, 0.0), score)
    ranked = sorted(
        (key for key, score in best.items() if score >= 0.6), key=lambda k: (-best[k], k)
    )
    return tuple(ranked[:limit])


_PLAIN_QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)?(?:[kmbt]|gb|gib|mb|mib|tb|tokens?|x)?|x\d+|\d+x\d+(?:\.\d+)?[bm]?"
)


def looks_like_model_name(word: str) -> bool:
    """Whether a word the parser did not understand is probably a model name ('llama-5-70b',
    'qwen9', 'foo-7b-instruct', 'mixtrall'), not a size ('70b', '7.5B'), a weight or KV format,
    or an ordinary word. GPU names ('h100') look like model names: match those first."""
    word = word.strip().casefold()
    if not word or len(word) > 100 or not any(ch.isalpha() for ch in word):
        return False
    if any(ch in word for ch in "=<>") or _PLAIN_QUANTITY.fullmatch(word):
        return False
    if find_precision(word) or find_kv_format(word):
        return False
    if any(ch.isdigit() for ch in word) or "/" in word:
        return True
    return bool(difflib.get_close_matches(name_key(word), _FAMILIES, n=1, cutoff=0.75))
