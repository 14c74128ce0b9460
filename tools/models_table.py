"""Print the README's model table from the catalog (estimator/data/models/*.toml).

.venv/bin/python tools/models_table.py            # the table, to paste under "## Models"
.venv/bin/python tools/models_table.py --summary  # counts per family and attention kind
"""

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator.attention import (
    ChunkedLocalAttention,
    CrossAttention,
    LinearAttentionState,
    MultiLatentAttention,
    SlidingWindow,
    SparseMultiLatentAttention,
)
from estimator.models import ALL_MODELS, Model


def _count(n: int) -> str:
    if n >= 10**12:
        return f"{n / 1e12:.2f}".rstrip("0").rstrip(".") + " T"
    if n >= 10**9:
        return f"{n / 1e9:.2f}".rstrip("0").rstrip(".") + " B"
    return f"{n / 1e6:.2f}".rstrip("0").rstrip(".") + " M"


LINEAR_NAMES = {"gated-deltanet": "Gated DeltaNet", "lightning": "lightning"}


def _attention_notes(model: Model) -> list[str]:
    notes = []
    for spec, count in model.attention_layers():
        of = f"{count} of {model.layers} layers"
        if isinstance(spec, SlidingWindow):
            notes.append(f"sliding window {spec.window:,}")
        elif isinstance(spec, ChunkedLocalAttention):
            notes.append(f"chunked local attention {spec.chunk:,} in {of}")
        elif isinstance(spec, LinearAttentionState):
            name = LINEAR_NAMES.get(model.linear_attention, model.linear_attention)
            notes.append(f"{name} linear attention in {of} (fixed state)")
        elif isinstance(spec, CrossAttention):
            notes.append(f"cross-attention to {spec.encoder_tokens:,} image tokens in {of}")
        elif isinstance(spec, SparseMultiLatentAttention):
            notes.append("MLA + sparse-attention indexer cache")
        elif isinstance(spec, MultiLatentAttention):
            notes.append("MLA")
    return notes


def notes(model: Model) -> str:
    parts = []
    if getattr(model, "is_embedding", False):
        parts.append("embedding model: weights only, no KV cache")
    if model.is_moe:
        moe = f"MoE {model.experts} experts, {model.experts_per_token} active"
        if model.shared_experts:
            moe += f" + {model.shared_experts} shared"
        parts.append(moe)
    parts += _attention_notes(model)
    if model.attention_free_layers:
        parts.append(
            f"NAS blocks: {model.attention_free_layers} of {model.layers} without attention, "
            "FFN width per block"
        )
    if model.kv_shared_layers:
        parts.append(f"last {model.kv_shared_layers} of {model.layers} layers share KV (no cache)")
    if model.kv_heads == 1 and not model.uses_mla:
        parts.append("multi-query attention")
    if model.vision_params:
        parts.append(f"vision tower {_count(model.vision_params)} counted")
    return ", ".join(parts)


def table() -> str:
    rows = [
        "| model | params | layers | heads / KV heads | native context | notes |",
        "|---|---|---|---|---|---|",
    ]
    for model in ALL_MODELS:
        heads = f"{model.attention_heads} / {model.kv_heads}"
        rows.append(
            f"| `{model.key}` | {_count(model.params)} | {model.layers} | {heads} "
            f"| {model.native_context:,} | {notes(model)} |"
        )
    return "\n".join(rows)


def summary() -> str:
    kinds = Counter()
    for model in ALL_MODELS:
        for spec, _ in model.attention_layers():
            kinds[spec.kind] += 1
    lines = [f"{len(ALL_MODELS)} models"]
    lines += [f"  {kind}: {count} models" for kind, count in kinds.most_common()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary() if "--summary" in sys.argv else table())
