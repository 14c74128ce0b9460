"""The model catalog (data/models.toml): architectures, the parameter counts computed from
them, the KV cache they need, and finding a model named inside a free-form question.

Parameter formulas follow the modules transformers builds from each config.json; the KV cache
is vLLM's page arithmetic (estimator/attention.py, ../shared/reference/FACTS.md).
"""

import difflib
import functools
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from estimator.attention import (
    AttentionSpec,
    FullAttention,
    MultiLatentAttention,
    SlidingWindow,
)
from estimator.precisions import find_kv_format, find_precision
from estimator.tables import load_table, name_key

# vLLM allocates the KV cache in blocks of 16 tokens (its default --block-size), so a sequence
# holds a whole number of blocks.
BLOCK_TOKENS = 16

_MLP_KINDS = ("gated", "plain")
_NORM_KINDS = ("rmsnorm", "layernorm")
_ATTENTION_BIAS_KINDS = ("none", "qkv", "all")


@dataclass(frozen=True)
class ParamGroups:
    """A model's parameters, in the groups that weight formats treat differently."""

    embedding: int  # input embedding + untied lm_head (vocab x hidden each) + learned positions
    experts: int  # routed MoE expert weights (0 for dense)
    other: int  # everything else: attention, dense/shared MLPs, norms, router, biases, vision

    @property
    def total(self) -> int:
        return self.embedding + self.experts + self.other


@dataclass(frozen=True)
class Model:
    """One catalog entry. Field meanings: the header of data/models.toml."""

    key: str
    display_name: str
    hf_id: str
    params: int
    native_precision: str
    native_context: int
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    tied_embeddings: bool
    intermediate_size: int
    source: str
    params_source: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()
    mlp: str = "gated"
    norm: str = "rmsnorm"
    norms_per_layer: int = 2
    qk_norm: bool = False
    attention_bias: str = "none"
    mlp_bias: bool = False
    attention_sinks: bool = False
    learned_positions: int = 0
    vision_params: int = 0
    experts: int = 0
    experts_per_token: int = 0
    moe_intermediate_size: int = 0
    shared_experts: int = 0
    dense_layers: int = 0
    router_bias: bool = False
    q_lora_rank: int | None = None
    kv_lora_rank: int | None = None
    qk_nope_head_dim: int | None = None
    qk_rope_head_dim: int | None = None
    v_head_dim: int | None = None
    sliding_window: int | None = None
    sliding_layers: int = 0

    def __post_init__(self) -> None:
        problems = []
        if self.mlp not in _MLP_KINDS:
            problems.append(f"mlp must be one of {_MLP_KINDS}")
        if self.norm not in _NORM_KINDS:
            problems.append(f"norm must be one of {_NORM_KINDS}")
        if self.attention_bias not in _ATTENTION_BIAS_KINDS:
            problems.append(f"attention_bias must be one of {_ATTENTION_BIAS_KINDS}")
        if find_precision(self.native_precision) is None:
            problems.append(f"unknown native_precision {self.native_precision!r}")
        if self.is_moe and not (0 < self.experts_per_token <= self.experts):
            problems.append("an MoE model needs 0 < experts_per_token <= experts")
        if self.is_moe != (self.moe_intermediate_size > 0):
            problems.append("experts and moe_intermediate_size go together")
        if not 0 <= self.dense_layers <= self.layers:
            problems.append("dense_layers must be between 0 and layers")
        if not 0 <= self.sliding_layers <= self.layers:
            problems.append("sliding_layers must be between 0 and layers")
        if (self.sliding_layers > 0) != (self.sliding_window is not None):
            problems.append("sliding_window and sliding_layers go together")
        mla = (self.kv_lora_rank, self.qk_nope_head_dim, self.qk_rope_head_dim, self.v_head_dim)
        if any(f is None for f in mla) and any(f is not None for f in mla):
            problems.append("MLA needs kv_lora_rank, qk_nope/qk_rope_head_dim and v_head_dim")
        if problems:
            raise ValueError(f"models.toml, {self.key}: " + "; ".join(problems))

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def has_sliding_window(self) -> bool:
        return self.sliding_layers > 0

    @property
    def uses_mla(self) -> bool:
        return self.kv_lora_rank is not None

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling find_model recognises (before org prefixes and suffixes)."""
        return (self.key, self.display_name, self.hf_id.rsplit("/", 1)[-1], *self.aliases)

    # ------------------------------------------------------------------ parameter count

    def param_groups(self) -> ParamGroups:
        """Parameters computed from the architecture, as transformers builds the model."""
        hidden = self.hidden_size
        embedding = hidden * (self.vocab_size * (1 if self.tied_embeddings else 2))
        embedding += hidden * self.learned_positions
        moe_layers = self.layers - self.dense_layers if self.is_moe else 0
        dense_layers = self.layers - moe_layers
        experts = moe_layers * self.experts * self._mlp_weights(self.moe_intermediate_size)
        other = (
            self.layers * (self._attention_params() + self.norms_per_layer * self._norm_size)
            + dense_layers * self._mlp_params(self.intermediate_size)
            + moe_layers * self._moe_params_besides_experts()
            + self._norm_size  # final norm
            + self.vision_params
        )
        return ParamGroups(embedding=embedding, experts=experts, other=other)

    @property
    def _norm_size(self) -> int:
        return self.hidden_size * (2 if self.norm == "layernorm" else 1)

    def _attention_params(self) -> int:
        hidden, heads = self.hidden_size, self.attention_heads
        if self.uses_mla:  # DeepSeek-V2 paper §2.1; transformers DeepseekV3Attention
            qk_head_dim = self.qk_nope_head_dim + self.qk_rope_head_dim
            if self.q_lora_rank:  # q_a_proj, q_a_layernorm, q_b_proj
                rank = self.q_lora_rank
                query = hidden * rank + rank + rank * heads * qk_head_dim
            else:
                query = hidden * heads * qk_head_dim
            rank = self.kv_lora_rank  # kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj
            key_value = hidden * (rank + self.qk_rope_head_dim) + rank
            key_value += rank * heads * (self.qk_nope_head_dim + self.v_head_dim)
            return query + key_value + heads * self.v_head_dim * hidden
        q_width = heads * self.head_dim
        kv_width = self.kv_heads * self.head_dim
        params = hidden * (q_width + 2 * kv_width) + q_width * hidden  # q, k, v, o
        if self.attention_bias in ("qkv", "all"):
            params += q_width + 2 * kv_width
        if self.attention_bias == "all":
            params += hidden
        if self.qk_norm:
            params += 2 * self.head_dim
        if self.attention_sinks:
            params += heads
        return params

    def _mlp_weights(self, width: int) -> int:
        return (3 if self.mlp == "gated" else 2) * self.hidden_size * width

    def _mlp_biases(self, width: int) -> int:
        if not self.mlp_bias:
            return 0
        # gate+up (or fc1) outputs, then down (or fc2) back to hidden
        return (2 if self.mlp == "gated" else 1) * width + self.hidden_size

    def _mlp_params(self, width: int) -> int:
        return self._mlp_weights(width) + self._mlp_biases(width)

    def _moe_params_besides_experts(self) -> int:
        """Per MoE layer: router, shared experts and the routed experts' biases (kept in
        16 bits where the expert weights are quantised, as gpt-oss ships them)."""
        router = self.experts * self.hidden_size + (self.experts if self.router_bias else 0)
        shared = self.shared_experts * self._mlp_params(self.moe_intermediate_size)
        return router + shared + self.experts * self._mlp_biases(self.moe_intermediate_size)

    # ------------------------------------------------------------------ KV cache

    def attention_layers(self) -> tuple[tuple[AttentionSpec, int], ...]:
        """The attention kinds of this model's layers, with how many layers have each."""
        if self.uses_mla:
            return ((MultiLatentAttention(self.kv_lora_rank, self.qk_rope_head_dim), self.layers),)
        full = FullAttention(self.kv_heads, self.head_dim)
        if not self.has_sliding_window:
            return ((full, self.layers),)
        sliding = SlidingWindow(self.kv_heads, self.head_dim, self.sliding_window)
        kinds = [(sliding, self.sliding_layers), (full, self.layers - self.sliding_layers)]
        return tuple((spec, count) for spec, count in kinds if count)

    def kv_bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> int:
        """KV cache bytes per token on one GPU at this tensor-parallel size, every attention
        layer charged as full attention (the conservative figure)."""
        per_token = sum(
            spec.bytes_per_token(kv_bits, tensor_parallel) * count
            for spec, count in self.attention_layers()
        )
        return math.ceil(per_token)

    # Catalog models live as long as the process, so the cache holds no stray references;
    # a plan asks the same question for every layout it tries (≈12 times per estimate).
    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def kv_bytes_per_sequence(
        self,
        context_tokens: int,
        kv_bits: Fraction | int,
        tensor_parallel: int = 1,
        *,
        windowed: bool = True,
    ) -> int:
        """KV cache bytes of one sequence on one GPU at this tensor-parallel size. Each layer
        holds whole 16-token blocks; with `windowed`, sliding-window layers hold only their
        window (vLLM's hybrid allocator), else the whole context like the rest."""
        if isinstance(context_tokens, bool) or not isinstance(context_tokens, int):
            raise TypeError(f"context_tokens must be an int, not {context_tokens!r}")
        if context_tokens < 0:
            raise ValueError(f"context_tokens must not be negative, not {context_tokens}")
        total = Fraction(0)
        for spec, count in self.attention_layers():
            held = spec.tokens_held(context_tokens) if windowed else context_tokens
            blocks = -(-held // BLOCK_TOKENS)
            total += blocks * BLOCK_TOKENS * spec.bytes_per_token(kv_bits, tensor_parallel) * count
        return math.ceil(total)


# ---------------------------------------------------------------------------- the catalog


def _model(row: dict) -> Model:
    fields = dict(row)
    fields["aliases"] = tuple(fields.get("aliases", ()))
    if "head_dim" not in fields:
        if "kv_lora_rank" in fields:  # MLA: queries and keys are nope + rope wide
            fields["head_dim"] = fields["qk_nope_head_dim"] + fields["qk_rope_head_dim"]
        else:
            fields["head_dim"] = fields["hidden_size"] // fields["attention_heads"]
    return Model(**fields)


ALL_MODELS: tuple[Model, ...] = tuple(_model(row) for row in load_table("models.toml")["model"])
MODELS_BY_KEY: dict[str, Model] = {model.key: model for model in ALL_MODELS}
if len(MODELS_BY_KEY) != len(ALL_MODELS):
    raise ValueError("models.toml: duplicate keys")


# ---------------------------------------------------------------------------- finding names
# A name is matched as its sequence of tokens (runs of letters, numbers like 3.1): 'Llama 3.1
# 70B', 'llama3.1:70b' and 'llama-3.1-70b' are all (llama, 3.1, 70, b). Between tokens any
# of space, '-', '_', ':' may stand, and must where two numbers meet (3 70 is not 370). One
# regex, a trie of every name's tokens, is compiled at import: it scans a query in one pass
# and, at each place, prefers the longest name. Separators are possessive (never backtracked
# into), so pathological input costs ~0.2 ms per 4,000 characters, a question ~15 µs.

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
                    f"models.toml: '{name}' names both {index[tokens].key} and {model.key}"
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
