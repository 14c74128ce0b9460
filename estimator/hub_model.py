"""What a Hugging Face repository holds, made into what the estimator needs: a catalog-shaped
`Model` (from config.json, or the GGUF header), the exact bytes of its weight files, and its
format. Pure: the Hub client (hub/) gathers the facts, this only reads them.

Bytes come from the file listing, never from parameter counts: the Hub's own counts unpack
some packed formats and not others (../shared/reference/HUB.md §1c). The files are the ones
an engine loads: the safetensors at the repository root (Mistral's duplicate
`consolidated*.safetensors` left out when both are there), else `pytorch_model*.bin`; for a
GGUF repository, every shard of the one file asked for, without `mmproj`/`imatrix` files.
"""

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from estimator.errors import QueryError
from estimator.hub_formats import (
    WeightFormat,
    config_format,
    gguf_quant_label,
    quantization_config,
    same_quant,
    text_config,
)
from estimator.model_names import find_model
from estimator.models import Model
from estimator.parse import normalise
from estimator.precisions import Precision, find_precision
from estimator.tables import load_table
from estimator.units import format_bytes

_SHARD = re.compile(r"-\d{5}-of-\d{5}(?=\.gguf$)", re.IGNORECASE)
_BIN = re.compile(r"(?:pytorch_model|model)(?:-\d+-of-\d+)?\.bin")
_NOT_WEIGHTS_GGUF = re.compile(r"(?:^|/)(?:mmproj|imatrix)[^/]*$", re.IGNORECASE)
DEFAULT_GGUF_QUANTS = ("Q4_K_M", "Q8_0")  # what llama.cpp users pick first, in that order
_SENTENCE_TRANSFORMERS = frozenset({"modules.json", "config_sentence_transformers.json"})
DEFAULT_CONTEXT = 4096  # when neither config.json nor the GGUF header says


@dataclass(frozen=True)
class RepoFile:
    path: str
    size: int


@dataclass(frozen=True)
class HubFacts:
    """What the Hub told about one repository at one commit (cached by `sha`)."""

    repo_id: str
    sha: str
    files: tuple[RepoFile, ...]
    gated: bool = False
    config: dict | None = None  # the whole config.json, None when absent or refused
    config_refused: bool = False  # gated, and no token with access
    parameters: dict = field(default_factory=dict)  # the Hub's safetensors count per dtype
    gguf_params: int | None = None  # the Hub's parameter count of a GGUF file
    gguf_metadata: dict | None = None  # key/values of a GGUF header (any quant: same model)
    public_config: dict | None = None  # the Hub's public subset of config.json (model_info)
    base_models: tuple[str, ...] = ()  # the card's base_model, or base_model:* tags


@dataclass(frozen=True)
class HubSource:
    """Where a Hub answer comes from, for the answer's words and the JSON."""

    repo_id: str
    revision: str | None  # as asked; None = main
    sha: str
    weights_bytes: int | None  # exact stored bytes; None when another format was asked
    weight_files: tuple[str, ...]
    format_label: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class HubModel:
    model: Model | None  # None when the architecture could not be read (gated without token)
    params: int
    precision: Precision
    source: HubSource


# ---------------------------------------------------------------------------- choosing files


def safetensors_files(files: tuple[RepoFile, ...]) -> tuple[RepoFile, ...]:
    root = [f for f in files if "/" not in f.path]
    tensors = [f for f in root if f.path.endswith(".safetensors")]
    if any(not f.path.startswith("consolidated") for f in tensors):
        tensors = [f for f in tensors if not f.path.startswith("consolidated")]
    if tensors:
        return tuple(tensors)
    return tuple(f for f in root if _BIN.fullmatch(f.path))


def gguf_groups(files: tuple[RepoFile, ...]) -> dict[str, tuple[RepoFile, ...]]:
    """GGUF files by the file they make once shards are joined ('x-00001-of-00002.gguf' -> 'x.gguf')."""
    groups: dict[str, list[RepoFile]] = {}
    for f in files:
        if f.path.lower().endswith(".gguf") and not _NOT_WEIGHTS_GGUF.search(f.path):
            groups.setdefault(_SHARD.sub("", f.path), []).append(f)
    return {
        name: tuple(sorted(shards, key=lambda f: f.path)) for name, shards in sorted(groups.items())
    }


def is_gguf_repo(files: tuple[RepoFile, ...]) -> bool:
    return bool(gguf_groups(files)) and not safetensors_files(files)


def choose_gguf(
    files: tuple[RepoFile, ...], repo_id: str, wanted: str | None
) -> tuple[str, tuple[RepoFile, ...]]:
    """The GGUF file (its shards) for a quant ('q4_k_m') or a file name; the default when
    nothing was asked. Raises QueryError naming the files there are."""
    groups = gguf_groups(files)
    labels = {name: gguf_quant_label(name) or name.rsplit("/", 1)[-1] for name in groups}
    if wanted:
        for name, shards in groups.items():
            base = name.rsplit("/", 1)[-1]
            if wanted in (name, base) or any(
                wanted in (s.path, s.path.rsplit("/", 1)[-1]) for s in shards
            ):
                return name, shards
        for name, shards in groups.items():
            if same_quant(labels[name], wanted):
                return name, shards
        for name, shards in groups.items():  # 'q4_k_xl' for unsloth's UD-Q4_K_XL
            if same_quant(labels[name].removeprefix("UD-"), wanted.upper().removeprefix("UD-")):
                return name, shards
        there = ", ".join(sorted(set(labels.values())))
        raise QueryError(
            f"{repo_id} has no {wanted} file; it has {there}.",
            example=f"{repo_id} {next(iter(labels.values())).lower()}",
        )
    for quant in DEFAULT_GGUF_QUANTS:
        for name, shards in groups.items():
            if labels[name] == quant:
                return name, shards
    name = next(iter(groups))
    return name, groups[name]


# ---------------------------------------------------------------------------- architectures


def _defaults(model_type: str) -> dict:
    for row in load_table("hub_architectures.toml")["architecture"]:
        if model_type in row["model_type"]:
            return row
    return {}


def _first(config: dict, *keys, default=None):
    for key in keys:
        if config.get(key) is not None:
            return config[key]
    return default


def _local_attention(config: dict, layers: int, model_type: str) -> dict:
    """Sliding-window layers (layer_types, Gemma's pattern, Mistral's every layer) or Llama
    4's chunked layers, as Model fields."""
    chunk = config.get("attention_chunk_size")
    if chunk and isinstance(config.get("no_rope_layers"), list):  # Llama 4: RoPE layers are chunked
        chunked = sum(1 for rope in config["no_rope_layers"][:layers] if rope)
        return {"attention_chunk": chunk, "chunked_layers": chunked} if chunked else {}
    window = config.get("sliding_window")
    if not window or config.get("use_sliding_window") is False:
        return {}
    types = config.get("layer_types")
    pattern = config.get("sliding_window_pattern") or _defaults(model_type).get("swa_pattern")
    if isinstance(types, list) and types:
        sliding = sum(1 for kind in types[:layers] if kind == "sliding_attention")
    elif pattern:  # layer i is global iff (i + 1) % pattern == 0 (transformers Gemma 3)
        sliding = layers - layers // pattern
    else:
        sliding = layers  # Mistral 7B v0.1: every layer slides
    return {"sliding_window": window, "sliding_layers": sliding} if sliding else {}


def _linear_attention(config: dict, layers: int) -> dict:
    """Qwen3-Next / Qwen3.5's Gated DeltaNet layers: a fixed state per sequence, not a KV cache
    (layer_types, or every full_attention_interval-th layer is full attention)."""
    types = config.get("layer_types")
    if isinstance(types, list) and "linear_attention" in types:
        count = sum(1 for kind in types[:layers] if kind == "linear_attention")
    elif config.get("full_attention_interval") and config.get("linear_num_value_heads"):
        count = layers - layers // config["full_attention_interval"]
    else:
        return {}
    return {
        "linear_attention": "gated-deltanet",
        "linear_attention_layers": count,
        "linear_key_heads": config.get("linear_num_key_heads", 0),
        "linear_value_heads": config.get("linear_num_value_heads", 0),
        "linear_key_head_dim": config.get("linear_key_head_dim", 0),
        "linear_value_head_dim": config.get("linear_value_head_dim", 0),
        "linear_conv_kernel": config.get("linear_conv_kernel_dim", 0),
    }


def model_from_config(
    config: dict, repo_id: str, sha: str, native: str, *, embedding: bool = False
) -> Model:
    """A Model from a config.json (its text_config for vision-language models); `embedding`:
    served as an embedding model (sentence-transformers files), so no KV cache.
    Raises ValueError when the fields that size it are missing."""
    text = dict(text_config(config))
    model_type = str(text.get("model_type") or config.get("model_type") or "")
    defaults = _defaults(model_type)
    if embedding or defaults.get("kind") == "embedding":
        fields_for_kind = {
            "kind": "embedding",
            "token_types": text.get("type_vocab_size") or 0,
            "pooler": defaults.get("pooler", False),
        }
    else:
        fields_for_kind = {}
    hidden = _first(text, "hidden_size", "n_embd", "d_model")
    layers = _first(text, "num_hidden_layers", "n_layer", "num_layers")
    heads = _first(text, "num_attention_heads", "n_head")
    if not (hidden and layers and heads):
        raise ValueError("config.json has no hidden_size, num_hidden_layers, num_attention_heads")
    kv_heads = _first(text, "num_key_value_heads", "num_kv_heads", "n_head_kv")
    if kv_heads is None:
        kv_heads = 1 if text.get("multi_query") else heads
    experts = _first(
        text, "num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts", default=0
    )
    flags = ("mlp_bias", "attention_sinks", "gated_attention")
    fields = {flag: defaults[flag] for flag in flags if flag in defaults}
    if experts:
        shared_width = text.get("shared_expert_intermediate_size") or 0
        fields.update(
            experts=experts,
            experts_per_token=_first(
                text, "num_experts_per_tok", "experts_per_token", "moe_topk", default=1
            ),
            moe_intermediate_size=_first(text, "moe_intermediate_size", "intermediate_size"),
            shared_experts=_first(text, "n_shared_experts", default=1 if shared_width else 0),
            shared_expert_intermediate_size=shared_width,
            shared_expert_gate=defaults.get("shared_expert_gate", False) and bool(shared_width),
            dense_layers=_first(text, "first_k_dense_replace", default=0),
            router_bias=defaults.get("router_bias", False),
        )
    if text.get("index_head_dim") and text.get("index_n_heads"):  # DeepSeek V3.2's indexer
        fields.update(index_heads=text["index_n_heads"], index_head_dim=text["index_head_dim"])
    fields.update(_linear_attention(text, layers))
    fields.update(fields_for_kind)
    if fields_for_kind and defaults.get("learned_positions"):  # BERT: absolute positions
        fields["learned_positions"] = text.get("max_position_embeddings") or 0
    if text.get("kv_lora_rank"):
        fields.update(
            {
                key: text.get(key)
                for key in (
                    "q_lora_rank",
                    "kv_lora_rank",
                    "qk_nope_head_dim",
                    "qk_rope_head_dim",
                    "v_head_dim",
                )
            }
        )
    head_dim = text.get("head_dim") or (
        text["qk_nope_head_dim"] + text["qk_rope_head_dim"]
        if text.get("kv_lora_rank")
        else hidden // heads
    )
    fields.update(_local_attention(text, layers, model_type))
    attention_bias = defaults.get("attention_bias", "none")
    if text.get("attention_bias") is True:
        attention_bias = "all"
    tied = _first(
        text,
        "tie_word_embeddings",
        default=_first(
            config, "tie_word_embeddings", default=defaults.get("tied_embeddings", False)
        ),
    )
    model = Model(
        key=repo_id.casefold(),
        display_name=repo_id,
        hf_id=repo_id,
        params=0,
        native_precision=native,
        native_context=_first(
            text,
            "max_position_embeddings",
            "n_positions",
            "max_seq_len",
            "seq_length",
            default=DEFAULT_CONTEXT,
        ),
        layers=layers,
        hidden_size=hidden,
        attention_heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        vocab_size=_first(text, "vocab_size", default=0),
        tied_embeddings=bool(tied),
        intermediate_size=_first(
            text, "intermediate_size", "n_inner", "ffn_hidden_size", default=4 * hidden
        ),
        source=f"config.json of {repo_id} at {sha[:12]} (Hugging Face)",
        mlp=defaults.get("mlp", "gated"),
        norm=defaults.get("norm", "rmsnorm"),
        norms_per_layer=defaults.get("norms_per_layer", 2),
        qk_norm=defaults.get("qk_norm", False),
        attention_bias=attention_bias,
        **fields,
    )
    return replace(model, params=model.param_groups().total)


def _gguf_number(value) -> int | None:
    if isinstance(value, list):  # per-layer values: the largest layer sizes the cache
        value = max((v for v in value if isinstance(v, int | float)), default=None)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def model_from_gguf(
    metadata: dict, repo_id: str, sha: str, native: str, params: int | None
) -> Model:
    """A Model from GGUF key/values (`{arch}.block_count`, `.attention.head_count_kv` …;
    gguf-py constants.Keys). Raises ValueError when they are missing."""
    arch = metadata.get("general.architecture")
    if not isinstance(arch, str):
        raise ValueError("the GGUF header has no general.architecture")

    def key(name: str) -> int | None:
        return _gguf_number(metadata.get(f"{arch}.{name}"))

    layers, hidden, heads = key("block_count"), key("embedding_length"), key("attention.head_count")
    if not (layers and hidden and heads):
        raise ValueError(
            f"the GGUF header has no {arch}.block_count / embedding_length / attention.head_count"
        )
    fields = {}
    experts = key("expert_count") or 0
    if experts:
        fields.update(
            experts=experts,
            experts_per_token=key("expert_used_count") or 1,
            moe_intermediate_size=key("expert_feed_forward_length")
            or key("feed_forward_length")
            or hidden,
            shared_experts=key("expert_shared_count") or 0,
            dense_layers=key("leading_dense_block_count") or 0,
        )
    head_dim = key("attention.key_length") or hidden // heads
    if key("attention.kv_lora_rank"):  # DeepSeek MLA (deepseek2): the cache holds the latent
        rope = key("rope.dimension_count") or 64
        fields.update(
            q_lora_rank=key("attention.q_lora_rank"),
            kv_lora_rank=key("attention.kv_lora_rank"),
            qk_rope_head_dim=rope,
            qk_nope_head_dim=(key("attention.key_length_mla") or head_dim) - rope,
            v_head_dim=key("attention.value_length_mla")
            or key("attention.value_length")
            or head_dim,
        )
        head_dim = fields["qk_nope_head_dim"] + rope
    window = key("attention.sliding_window")
    pattern = key("attention.sliding_window_pattern") or _defaults(arch).get("swa_pattern")
    if window and pattern:
        fields.update(
            sliding_window=window,
            sliding_layers=sum(1 for i in range(layers) if i % pattern < pattern - 1),
        )
    model = Model(
        key=repo_id.casefold(),
        display_name=repo_id,
        hf_id=repo_id,
        params=params or 0,
        native_precision=native,
        native_context=key("context_length") or DEFAULT_CONTEXT,
        layers=layers,
        hidden_size=hidden,
        attention_heads=heads,
        kv_heads=key("attention.head_count_kv") or heads,
        head_dim=head_dim,
        vocab_size=key("vocab_size") or 0,
        tied_embeddings=False,
        intermediate_size=key("feed_forward_length") or 4 * hidden,
        source=f"GGUF header of {repo_id} at {sha[:12]} (Hugging Face)",
        **fields,
    )
    return model if params else replace(model, params=model.param_groups().total)


# ---------------------------------------------------------------------------- the answer


def catalog_model(repo_id: str) -> Model | None:
    """The catalog model this repository id names, whole ('meta-llama/Llama-3.1-8B-Instruct'),
    not one whose name is only part of it ('…-Instruct-AWQ', '…-GGUF')."""
    name = normalise(repo_id)
    match = find_model(name)
    if match is not None and match.start == 0 and match.end == len(name):
        return match.model
    return None


def _stored_precision(fmt: WeightFormat, weights_bytes: int, params: int) -> Precision:
    """The format's row, its bits per weight replaced by what the files hold."""
    base = find_precision(fmt.precision) or Precision(
        name=fmt.precision, bits=Fraction(16), scope="all", kv_bits=Fraction(16), source=fmt.label
    )
    bits = (
        Fraction(weights_bytes * 8, params) if params else base.bits
    )  # exact: the rule of thumb is stored bytes × 1.2
    kv_bits = Fraction(8) if fmt.kv_8bit else base.kv_bits
    return replace(base, bits=bits, kv_bits=kv_bits, source=f"as stored: {fmt.label}")


def _params(facts: HubFacts, model: Model | None, gguf: bool, fmt: WeightFormat) -> int:
    """The Hub's count where it counts stored elements one per weight (16/32-bit safetensors,
    GGUF), the architecture's count for packed formats (the Hub unpacks some, not all)."""
    hub_count = facts.gguf_params if gguf else sum(facts.parameters.values())
    unpacked = gguf or fmt.precision in ("bf16", "fp16", "fp32")
    params = (hub_count if unpacked else None) or (model.params if model else None) or hub_count
    if not params:
        raise QueryError(f"I could not tell how many parameters {facts.repo_id} has.")
    return params


def hub_model(
    facts: HubFacts, revision: str | None, wanted: str | None, asked: Precision | None
) -> HubModel:
    """The model, parameter count, format and exact weight bytes of a repository.

    `wanted`: a GGUF quant or file name; `asked`: the precision the question gave (a GGUF
    quant picks that file; another format than the stored one is computed, and said)."""
    notes = []
    gguf = is_gguf_repo(facts.files)
    if gguf:
        chosen, shards = choose_gguf(
            facts.files, facts.repo_id, wanted or (asked.name if asked else None)
        )
        label = gguf_quant_label(chosen) or chosen
        fmt = WeightFormat(label.casefold(), f"GGUF {label}")
        shown = chosen.rsplit("/", 1)[-1]
        what = f"{len(shards)} shards of {shown}" if len(shards) > 1 else shown
        others = sorted({gguf_quant_label(n) or n for n in gguf_groups(facts.files)} - {label})
        if others:
            notes.append(
                f"Other GGUF files in the repository: {', '.join(others[:8])}{' …' if len(others) > 8 else ''}."
            )
        asked = None  # the file is the format
    else:
        shards = safetensors_files(facts.files)
        if not shards:
            raise QueryError(
                f"{facts.repo_id} has no weight files (safetensors, .bin or GGUF) that I can size."
            )
        public = facts.public_config or {}
        if facts.config:
            fmt = config_format(facts.config)
        elif quantization_config(public):  # the Hub shows it even for gated repositories
            fmt = config_format(public)
        else:
            fmt = WeightFormat("bf16", "format unknown (config.json not readable)")
        what = f"{len(shards)} safetensors files" if len(shards) > 1 else shards[0].path
    stored = sum(f.size for f in shards)
    model, reason = None, None
    try:
        if gguf and facts.gguf_metadata:
            model = model_from_gguf(
                facts.gguf_metadata, facts.repo_id, facts.sha, "fp16", facts.gguf_params
            )
        elif facts.config:
            embedding = any(f.path in _SENTENCE_TRANSFORMERS for f in facts.files)
            model = model_from_config(
                facts.config, facts.repo_id, facts.sha, "bf16", embedding=embedding
            )
    except (ValueError, TypeError, KeyError) as error:
        reason = str(error)
    base = None
    if model is None:
        base = next(filter(None, map(catalog_model, facts.base_models)), None)
        if base is not None:  # its architecture: a fine-tune or quantisation keeps it
            model = replace(
                base, key=facts.repo_id.casefold(), display_name=facts.repo_id, hf_id=facts.repo_id
            )
            notes.append(
                f"Architecture: {base.display_name} from the catalog, the base model the repository names"
                " (config.json not readable)."
            )
    params = _params(facts, model, gguf, fmt)
    if model is None and fmt.precision not in ("bf16", "fp16", "fp32"):
        notes.append(
            "Parameters: the Hub's count; it unpacks some packed formats and not others, so it may be low."
        )
    if model is not None and model.params != params:
        model = replace(model, params=params)
    precision = _stored_precision(fmt, stored, params)
    if model is not None and find_precision(fmt.precision):
        model = replace(model, native_precision=fmt.precision)
    weights_bytes: int | None = stored
    if asked is not None and asked.name != precision.name:
        notes.append(
            f"The repository stores {fmt.label} ({format_bytes(stored)}); {asked.name} is computed from the parameter count."
        )
        precision, weights_bytes = asked, None
    else:
        notes.insert(
            0,
            f"Weights: {what} of {facts.repo_id} at {facts.sha[:12]} on Hugging Face, {stored:,} bytes as stored ({fmt.label}).",
        )
    if facts.config_refused and base is None:
        notes.append(
            f"{facts.repo_id} is gated: without an HF_TOKEN that has access, only its file sizes are public, "
            "so the architecture (KV cache, GPU plans) is not known. Set HF_TOKEN to a token of an "
            "account that accepted the licence for the full answer."
        )
    elif facts.config_refused:
        notes.append(
            f"{facts.repo_id} is gated: an HF_TOKEN with access would read its own config.json."
        )
    elif model is None:
        notes.append(
            f"Architecture not read ({reason or 'no config.json'}): the KV cache is not computed from it."
        )
    elif facts.config and any(
        k in facts.config for k in ("text_config", "llm_config", "language_config", "vision_config")
    ):
        notes.append(
            "Vision-language model: the vision tower is in the weights; the KV cache is the text model's (text_config)."
        )
    source = HubSource(
        repo_id=facts.repo_id,
        revision=revision,
        sha=facts.sha,
        weights_bytes=weights_bytes,
        weight_files=tuple(f.path for f in shards),
        format_label=fmt.label,
        notes=tuple(notes),
    )
    return HubModel(model=model, params=params, precision=precision, source=source)
