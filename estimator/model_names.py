"""Finding a catalog model named inside a free-form question, and "did you mean" for the rest.

A name is matched as its sequence of tokens (runs of letters, numbers like 3.1): 'Llama 3.1
70B', 'llama3.1:70b' and 'llama-3.1-70b' are all (llama, 3.1, 70, b). Between tokens any
of space, '-', '_', ':' may stand, and must where two numbers meet (3 70 is not 370). One
regex, a trie of every name's tokens, is compiled per catalog: it scans a query in one pass
and, at each place, prefers the longest name. Separators are possessive (never backtracked
into), so pathological input costs ~0.2 ms per 4,000 characters, a question ~15 µs.

Names as people write them, beyond the exact ones: a typo one edit away from one name
('mixtrall 8x7b'; an edit never changes a digit: llama-5 is not a typo of llama-3), and a
family with a size ('qwen 32b': the newest of that family at that size). A model's family,
version and size are read from its key (`name_parts`), so new catalog rows need no new field.
"""

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from estimator.errors import QueryError
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
_JOINED_TAG = re.compile(r"[-_:][a-z0-9]")  # a quantisation tag glued on: -awq, -q4_K_M
_HAS_SIZE = re.compile(r"\d(?:\.\d+)?b(?![a-z])")
_PLAIN_QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)?(?:[kmbt]|gb|gib|mb|mib|tb|tokens?|x)?|x\d+|\d+x\d+(?:\.\d+)?[bm]?"
)
_MIN_TYPO_CHARS = 5  # shorter names are too close to ordinary words to correct
_FAMILY_WORD = re.compile(r"[a-z][a-z0-9.\-]{1,40}")  # 'qwen', 'llama3', 'qwen2.5', 'gpt-oss'
_SIZE_TOLERANCE = 0.05  # '70b' is any model within 5 % of 70 × 10⁹ parameters


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(name.translate(_ASCII_LOWER)))


def _compact(name: str) -> str:
    return name_key(name.rsplit("/", 1)[-1]).replace(":", "")


# ---------------------------------------------------------------------------- name parts

_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)")
_SIZE_PART = re.compile(r"(\d+(?:\.\d+)?)([bmt])|\d+x\d+(?:\.\d+)?b|e\d+b")
_ACTIVE_PART = re.compile(r"a\d+(?:\.\d+)?b|\d+e")  # '-a3b' active params, '-16e' experts
_GLUED_VERSION = re.compile(r"([a-z]+)(\d+(?:\.\d+)*)")  # qwen2.5, qwen3, llama3
_SIZE_SCALE = {"b": 10**9, "m": 10**6, "t": 10**12}


@dataclass(frozen=True)
class NameParts:
    """'qwen2.5-coder-32b' -> family 'qwen-coder', version (2, 5), size 32 × 10⁹."""

    family: str
    version: tuple[int, ...]
    size: int | None  # parameters the name says ('70b'), None if it says none


def name_parts(name: str) -> NameParts:
    family, version, size = [], (), None
    for index, part in enumerate(re.split(r"[\s_\-:]+", name.casefold().strip())):
        if not part:
            continue
        sized = _SIZE_PART.fullmatch(part)
        if sized:
            if sized.group(1) and size is None:
                size = round(float(sized.group(1)) * _SIZE_SCALE[sized.group(2)])
            continue
        if _ACTIVE_PART.fullmatch(part):
            continue
        numbered = _VERSION.fullmatch(part)
        if numbered and not version:
            version = tuple(int(n) for n in numbered.group(1).split("."))
            continue
        glued = _GLUED_VERSION.fullmatch(part)
        if glued and index == 0:
            family.append(glued.group(1))
            version = tuple(int(n) for n in glued.group(2).split("."))
            continue
        family.append(part)
    return NameParts("-".join(family), version, size)


def one_edit_apart(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours, none of them a digit."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return not (a[i].isdigit() or b[i].isdigit())
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return swapped and a[i + 2 :] == b[i + 2 :] and not (a[i].isdigit() or b[i].isdigit())
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:] and not longer[i].isdigit()


def _close_family(word: str, families: Iterable[str]) -> str | None:
    """'lamma' for 'llama': the one family name clearly closest to a word (difflib ratio at
    least 0.75, ahead of the next), never differing in a digit (qwen2 is not qwen3)."""
    digits = [ch for ch in word if ch.isdigit()]
    close = [
        name
        for name in difflib.get_close_matches(word, families, n=2, cutoff=0.75)
        if [ch for ch in name if ch.isdigit()] == digits
    ]
    if not close:
        return None
    if len(close) > 1:
        first, second = (difflib.SequenceMatcher(None, word, n).ratio() for n in close)
        if first == second:
            return None
    return close[0]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ModelMatch:
    model: Model
    start: int  # the span of the matched name in the text given to find_model
    end: int


@dataclass(frozen=True)
class Typo:
    model: Model
    written: str
    start: int
    end: int


@dataclass(frozen=True)
class FamilyPick:
    """`model` None: several fit and nothing says which (`alternatives` lists them)."""

    model: Model | None
    alternatives: tuple[str, ...]  # other catalog keys of that family and size, newest first
    fuzzy: bool  # the family word was one edit away from the family's name


# ---------------------------------------------------------------------------- the index


class NameIndex:
    """Every way of naming the models of one catalog (ALL_MODELS by default: CATALOG)."""

    def __init__(self, models: Iterable[Model]):
        self.models = tuple(models)
        self._index: dict[tuple[str, ...], Model] = {}
        sizeless = set()
        for model in self.models:
            for name in model.names:
                tokens = _tokens(name)
                if self._index.setdefault(tokens, model) is not model:
                    raise ValueError(
                        f"data/models: '{name}' names both {self._index[tokens].key} and {model.key}"
                    )
                if not _HAS_SIZE.search("".join(tokens)):
                    sizeless.add(tokens)
        self._sizeless = frozenset(sizeless)
        self._pattern = re.compile(_trie_regex(list(self._index)))
        self._compact_names = tuple(
            (_compact(name), model) for model in self.models for name in model.names
        )
        self._first_words = tuple(sorted({_tokens(model.key)[0] for model in self.models}))
        self._typos: dict[str, set[str]] = {}
        self._by_compact: dict[str, set[Model]] = {}
        for compact, model in self._compact_names:
            if len(compact) < _MIN_TYPO_CHARS:
                continue
            self._by_compact.setdefault(compact, set()).add(model)
            for variant in {compact} | _deletions(compact):
                self._typos.setdefault(variant, set()).add(compact)
        self.parts = {model.key: name_parts(model.key) for model in self.models}
        self._families: dict[str, list[Model]] = {}
        for model in self.models:
            self._families.setdefault(self.parts[model.key].family, []).append(model)
        self._extended: dict[str, tuple[Model, ...]] = {}  # family -> the families extending it
        # typed words repeat (in one question, and across questions): each is compared once
        self._close_family = functools.lru_cache(maxsize=4096)(
            lambda word: _close_family(word, tuple(self._families))
        )

    # ------------------------------------------------------------------ exact names

    def find_model(self, text: str) -> ModelMatch | None:
        """The first catalog model named anywhere in `text`, case-insensitively, with its span
        (org prefix and -Instruct-like suffixes included, and the '-' that glues on a tag such
        as '-AWQ' or '-q4_K_M') so that the caller can cut it out and read the rest."""
        lowered = text.translate(_ASCII_LOWER)  # same length as text, unlike str.lower()
        position = 0
        while match := self._pattern.search(lowered, position):
            start, end = match.span()
            position = start + 1
            if start and lowered[start - 1] in _ASCII_ALNUM:
                continue  # inside a longer word
            tokens = _tokens(match.group())
            end = _SUFFIXES.match(lowered, end).end()
            if _DISTILLED.match(lowered, end):
                continue
            if tokens in self._sizeless and _SIZE_NEXT.match(lowered, end):
                continue  # 'deepseek-r1:70b' is a distill, not DeepSeek-R1 with a size
            if _JOINED_TAG.match(lowered, end):
                end += 1  # 'llama3.1:70b-q4_K_M': take the '-' so that 'q4_k_m' stands alone
            return ModelMatch(self._index[tokens], _prefix_start(lowered, start), end)
        return None

    # ------------------------------------------------------------------ typos

    def correct_typo(self, text: str) -> Typo | None:
        """The model a name one edit away from one catalog name means ('mixtrall 8x7b',
        'qwen2,5 14b'), over windows of up to three words, longest first. Several models one
        edit away: QueryError with them as suggestions."""
        words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        for first in range(len(words)):
            if not words[first][0][0].isalpha():
                continue
            for last in range(min(first + 3, len(words)) - 1, first - 1, -1):
                written = " ".join(word for word, _, _ in words[first : last + 1])
                models = self._one_edit_models(_compact(written))
                if len(models) == 1:
                    (model,) = models
                    return Typo(model, written, words[first][1], words[last][2])
                if models:
                    keys = tuple(sorted(model.key for model in models))
                    raise QueryError(
                        f"I don't know the model '{written}'. Did you mean {', '.join(keys)}?",
                        example=keys[0],
                        suggestions=keys,
                    )
        return None

    def _one_edit_models(self, compact: str) -> set[Model]:
        if len(compact) < _MIN_TYPO_CHARS or compact in self._by_compact:
            return set()
        names = set(self._typos.get(compact, ()))
        for variant in _deletions(compact):
            names |= self._typos.get(variant, set())
        return {
            model
            for name in names
            if one_edit_apart(compact, name)
            for model in self._by_compact[name]
        }

    # ------------------------------------------------------------------ families

    def family_pick(self, word: str, version: str | None, params: int | None) -> FamilyPick | None:
        """'llama' + 70B -> the newest Llama of 70B; 'qwen3' alone -> every Qwen3 (which one?).
        None when the word names no family, or no model of it has that size."""
        if not _FAMILY_WORD.fullmatch(word):
            return None
        parts = name_parts(word)
        if parts.size is not None or not parts.family:
            return None  # a size glued on ('deepseek-r1:32b') makes it a name, not a family
        wanted = parts.version
        if version and not wanted:
            wanted = tuple(int(n) for n in version.split(".") if n.isdigit())
        family, fuzzy = parts.family, False
        if family not in self._families and not self._subfamilies(family):
            family, fuzzy = self._close_family(family), True
            if family is None:
                return None
        members = self._families.get(family, [])
        exact = [m for m in members if wanted and self.parts[m.key].version == wanted]
        candidates = exact or [m for m in members if self._has_version(m, wanted)]
        if params is not None:
            candidates = [m for m in candidates if self._has_size(m, params)]
        # 'llama 11b' is Llama 3.2 Vision (family llama-vision), 'phi 14b' Phi-3 medium: the
        # families that extend the word come after its own, as alternatives or as the pick.
        if params is not None or not candidates:
            candidates = candidates + [
                m
                for m in self._subfamilies(family)
                if self._has_version(m, wanted) and (params is None or self._has_size(m, params))
            ]
        if not candidates:
            return None
        own = self._families.get(family, [])
        candidates.sort(
            key=lambda m: (m in own, self.parts[m.key].version, -m.params), reverse=True
        )
        if params is None and len(candidates) > 1:
            by_size = sorted(candidates, key=lambda m: m.params)
            return FamilyPick(None, tuple(m.key for m in by_size[:6]), fuzzy)
        return FamilyPick(candidates[0], tuple(m.key for m in candidates[1:]), fuzzy)

    def _subfamilies(self, family: str) -> tuple[Model, ...]:
        if family not in self._extended:
            self._extended[family] = tuple(
                model
                for name, models in self._families.items()
                if name.startswith(family + "-")
                for model in models
            )
        return self._extended[family]

    def _has_version(self, model: Model, wanted: tuple[int, ...]) -> bool:
        return self.parts[model.key].version[: len(wanted)] == wanted

    def _has_size(self, model: Model, params: int) -> bool:
        size = self.parts[model.key].size or model.params
        return abs(size - params) <= _SIZE_TOLERANCE * params

    # ------------------------------------------------------------------ did you mean

    def suggest_models(
        self, name: str, limit: int = 3, params: int | None = None
    ) -> tuple[str, ...]:
        """The catalog keys closest to a name the catalog does not know, best first; of the
        size asked (given, or in the name: 'deepseek-r1:32b') when the catalog has that size."""
        wanted = _compact(name)
        if not wanted or limit < 1:
            return ()
        size = params or name_parts(name).size
        best: dict[str, float] = {}
        for compact, model in self._compact_names:
            score = difflib.SequenceMatcher(None, wanted, compact, autojunk=False).ratio()
            best[model.key] = max(best.get(model.key, 0.0), score)
        ranked = sorted(best, key=lambda k: (-best[k], k))
        if size:
            models = {model.key: model for model in self.models}
            # within a factor of two: 'llama-3.1-7b' still suggests the 8B, never the 405B
            sized = [k for k in ranked if 0.5 <= models[k].params / size <= 2 and best[k] >= 0.3]
            if sized:
                return tuple(sized[:limit])
        return tuple(k for k in ranked if best[k] >= 0.6)[:limit]

    def looks_like_model_name(self, word: str) -> bool:
        """Whether a word the parser did not understand is probably a model name ('llama-5-70b',
        'qwen9', 'foo-7b-instruct', 'mixtrall'), not a size ('70b', '7.5B'), a weight or KV
        format, or an ordinary word. GPU names ('h100') look like model names: match those first."""
        word = word.strip().casefold()
        if not word or len(word) > 100 or not any(ch.isalpha() for ch in word):
            return False
        if any(ch in word for ch in "=<>") or _PLAIN_QUANTITY.fullmatch(word):
            return False
        if find_precision(word) or find_kv_format(word):
            return False
        if any(ch.isdigit() for ch in word) or "/" in word:
            return True
        return bool(difflib.get_close_matches(name_key(word), self._first_words, n=1, cutoff=0.75))


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


CATALOG = NameIndex(ALL_MODELS)
find_model = CATALOG.find_model
suggest_models = CATALOG.suggest_models
looks_like_model_name = CATALOG.looks_like_model_name
