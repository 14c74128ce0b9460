"""The tensors of a GGUF file as llama.cpp's converter writes them (convert_hf_to_gguf.py, now
conversion/*.py), listed from a catalog Model's linear layers: one tensor per layer and
projection, the experts of a layer as one 3-D tensor, 1-D vectors in F32.

MLA models (DeepSeek V2/V3/R1, Kimi K2: conversion/deepseek.py DeepseekV2Model) keep their
query and key-value compressions as attn_q_a, attn_q_b (or attn_q without q_lora_rank) and
attn_kv_a_mqa. Their kv_b_proj is split into attn_k_b (qk_nope_head_dim x kv_lora_rank per
head, stored transposed: rows of qk_nope_head_dim) and attn_v_b (rows of kv_lora_rank); files
converted before llama.cpp PR #12801 (b5133, April 2025) hold it whole as attn_kv_b. The MTP
layer is skipped (skip_mtp), the router (ffn_gate_inp) and its score-correction bias
(exp_probs_b) stay F32, and the shared experts of a layer are one MLP (ffn_*_shexp) of
moe_intermediate_size x n_shared_experts.
"""

from dataclasses import dataclass, replace

from estimator.models import Model


@dataclass(frozen=True)
class Tensor:
    """One GGUF tensor: its role (as llama-quant.cpp categorises names), its layer, its row
    length (ne[0], what a block must divide) and its element count."""

    role: str  # token_embd output attn_q attn_k attn_v attn_qkv attn_kv_b attn_output ffn_gate
    # ffn_up ffn_down, or a name llama-quant.cpp files under OTHER (attn_q_a, attn_k_b ...)
    layer: int | None
    row: int
    elements: int
    quantisable: bool = True  # False: 1-D tensors and the MoE router, kept as converted (F32)


# transformers module names (Model.linear_layers) -> GGUF tensor names (gguf-py constants.py)
_ROLES = {
    "q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
    "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down",
    "fc1": "ffn_up", "fc2": "ffn_down",
    "q_a_proj": "attn_q_a", "q_b_proj": "attn_q_b", "kv_a_proj_with_mqa": "attn_kv_a_mqa",
    "kv_b_proj": "attn_kv_b",
}  # fmt: skip


def _layers_of(model: Model, prefix: str) -> range:
    """Which decoder layers hold a linear layer: MoE layers come after the dense ones."""
    moe_layers = model.layers - model.dense_layers if model.is_moe else 0
    if prefix in ("mlp.experts", "mlp.shared_experts", "mlp.router"):
        return range(model.layers - moe_layers, model.layers)
    if prefix == "mlp":
        return range(model.layers - moe_layers)
    return range(model.layers)


def tensors(model: Model, split_kv_b: bool = True) -> tuple[Tensor, ...]:
    """The tensors convert_hf_to_gguf.py writes, from the model's linear layers. split_kv_b:
    MLA's kv_b_proj as attn_k_b + attn_v_b (converters since PR #12801) or whole (before)."""
    hidden = model.hidden_size
    per_layer: list[list[Tensor]] = [[] for _ in range(model.layers)]
    out = [Tensor("token_embd", None, hidden, model.vocab_size * hidden)]
    linear_params = 0
    for linear in model.linear_layers():
        linear_params += linear.weights + linear.biases
        if linear.name == "lm_head":
            out.append(Tensor("output", None, hidden, linear.weights))
            continue
        prefix, _, leaf = linear.name.rpartition(".")
        layers = _layers_of(model, "mlp.router" if leaf == "router" else prefix)
        elements = linear.weights // len(layers)
        row = linear.in_features
        if prefix == "mlp.shared_experts" and leaf in ("down_proj", "fc2"):
            row *= linear.count // len(layers)  # one MLP as wide as the layer's shared experts
        role = _ROLES.get(leaf, "other")
        quantisable = leaf != "router"  # ffn_gate_inp stays as converted
        for layer in layers:
            if role == "attn_kv_b" and split_kv_b:
                per_layer[layer] += _split_kv_b(model, layer)
            else:
                per_layer[layer].append(Tensor(role, layer, row, elements, quantisable))
            if linear.biases:
                per_layer[layer].append(
                    Tensor("other", layer, hidden, linear.biases // len(layers), False)
                )
    groups = model.param_groups()
    vectors = groups.total - linear_params - model.vocab_size * hidden - model.vision_params
    for layer, tensors_ in enumerate(per_layer):
        share = vectors // model.layers + (vectors % model.layers if layer == 0 else 0)
        tensors_.append(Tensor("other", layer, hidden, share, quantisable=False))
        out += _fuse(model, tensors_)
    return tuple(out)


def _split_kv_b(model: Model, layer: int) -> list[Tensor]:
    """DeepseekV2Model.modify_tensors: kv_b viewed per head, split into the key part
    (transposed: ne = [qk_nope_head_dim, kv_lora_rank, n_head]) and the value part
    (ne = [kv_lora_rank, v_head_dim, n_head])."""
    heads, rank = model.attention_heads, model.kv_lora_rank
    return [
        Tensor("attn_k_b", layer, model.qk_nope_head_dim, heads * model.qk_nope_head_dim * rank),
        Tensor("attn_v_b", layer, rank, heads * model.v_head_dim * rank),
    ]


def _fuse(model: Model, layer: list[Tensor]) -> list[Tensor]:
    """Falcon and Phi-3 ship one fused query-key-value matrix (attn_qkv); Phi-3 also fuses the
    gate into ffn_up."""
    if not model.key.startswith(("falcon", "phi-3")):
        return layer
    fused, rest = [], []
    for tensor in layer:
        if tensor.role in ("attn_q", "attn_k", "attn_v"):
            fused.append(tensor)
        elif tensor.role == "ffn_gate" and model.key.startswith("phi-3"):
            rest.append(replace(tensor, role="ffn_up"))
        else:
            rest.append(tensor)
    if not fused:
        return layer
    qkv = Tensor("attn_qkv", fused[0].layer, fused[0].row, sum(t.elements for t in fused))
    ups = [t for t in rest if t.role == "ffn_up"]
    if len(ups) == 2:  # Phi-3: gate_up_proj is one tensor
        merged = replace(ups[0], elements=ups[0].elements + ups[1].elements)
        rest = [t for t in rest if t.role != "ffn_up"] + [merged]
    return [qkv, *rest]
