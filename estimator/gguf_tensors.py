"""The tensors of a GGUF file as llama.cpp's converter writes them (convert_hf_to_gguf.py, now
conversion/*.py), listed from a catalog Model's linear layers: one tensor per layer and
projection, the experts of a layer as one 3-D tensor, 1-D vectors in F32.

MLA models (DeepSeek V2/V3/R1, Kimi K2: conversion/deepseek.py DeepseekV2Model) keep their
query and key-value compressions as attn_q_a, attn_q_b (or attn_q without q_lora_rank) and
attn_kv_a_mqa. Their kv_b_proj is split into attn_k_b (qk_nope_head_dim x kv_lora_rank per
head, stored transposed: rows of qk_nope_head_dim) and attn_v_b (rows of kv_lora_rank); files
converted before llama.cpp PR #12801 (April 2025) hold it whole as attn_kv_b. The MTP
layer is skipped (skip_mtp), the router (ffn_gate_inp) and its score-correction bias
(exp_probs_b) stay F32, and the shared experts of a layer are one MLP (ffn_*_shexp) of
moe_intermediate_size x n_shared_experts.

Qwen3-Next (conversion/qwen.py Qwen3NextModel): every full_attention_interval-th layer is gated
softmax attention (attn_q twice as wide for the output gate), the others Gated DeltaNet, whose
in_proj_qkvz is split into attn_qkv and attn_gate (the first converter, PR #16095, wrote it
whole as ssm_in), with ssm_ba, ssm_out, and ssm_conv1d, ssm_a, ssm_dt, ssm_norm in F32. The
shared expert's gate (ffn_gate_inp_shexp) is one row: it stays 16-bit. The MTP layer is skipped.
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
    quantisable: bool = True  # False: kept as converted (1-D tensors and the router in F32)


# transformers module names (Model.linear_layers) -> GGUF tensor names (gguf-py constants.py)
_ROLES = {
    "q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
    "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down",
    "fc1": "ffn_up", "fc2": "ffn_down",
    "q_a_proj": "attn_q_a", "q_b_proj": "attn_q_b", "kv_a_proj_with_mqa": "attn_kv_a_mqa",
    "kv_b_proj": "attn_kv_b",
    "in_proj_qkvz": "ssm_in", "in_proj_ba": "ssm_ba", "linear_attn.out_proj": "ssm_out",
    "shared_expert_gate": "ffn_gate_inp_shexp",
}  # fmt: skip
# kept as converted: the MoE router (F32) and the shared expert's one-row gate (ggml_n_dims 1)
_NOT_QUANTISED = ("router", "shared_expert_gate")


def _layers_of(model: Model, prefix: str) -> list[int]:
    """Which decoder layers hold a linear layer: MoE layers come after the dense ones; in
    Qwen3-Next every full_attention_interval-th layer is softmax attention, the others Gated
    DeltaNet (llama.cpp qwen3next: recurrent unless (i + 1) % interval == 0)."""
    moe_layers = model.layers - model.dense_layers if model.is_moe else 0
    if prefix in ("mlp.experts", "mlp.shared_experts", "mlp.router"):
        return list(range(model.layers - moe_layers, model.layers))
    if prefix == "mlp":
        return list(range(model.layers - moe_layers))
    if model.linear_attention_layers and prefix in ("self_attn", "linear_attn"):
        interval = model.layers // (model.layers - model.linear_attention_layers)
        full = [i for i in range(model.layers) if (i + 1) % interval == 0]
        return full if prefix == "self_attn" else sorted(set(range(model.layers)) - set(full))
    return list(range(model.layers))


def tensors(model: Model, as_first_converted: bool = False) -> tuple[Tensor, ...]:
    """The tensors convert_hf_to_gguf.py writes, from the model's linear layers, in file order
    (llama_model_loader sorts them by layer). as_first_converted: as the converter first wrote
    the architecture: MLA's kv_b_proj whole (attn_kv_b, before PR #12801) rather than attn_k_b
    + attn_v_b; Qwen3-Next's in_proj_qkvz whole (ssm_in, PR #16095) rather than attn_qkv +
    attn_gate."""
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
        layers = _layers_of(model, "mlp.router" if leaf in _NOT_QUANTISED else prefix)
        elements = linear.weights // len(layers)
        row = linear.in_features
        if prefix == "mlp.shared_experts" and leaf in ("down_proj", "fc2"):
            row *= linear.count // len(layers)  # one MLP as wide as the layer's shared experts
        role = _ROLES.get(linear.name, _ROLES.get(leaf, "other"))
        quantisable = leaf not in _NOT_QUANTISED
        for layer in layers:
            if role == "attn_kv_b" and not as_first_converted:
                per_layer[layer] += _split_kv_b(model, layer)
            elif role == "ssm_in" and not as_first_converted:
                per_layer[layer] += _split_qkvz(model, layer)
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


def _split_qkvz(model: Model, layer: int) -> list[Tensor]:
    """Qwen3NextModel.modify_tensors: in_proj_qkvz becomes attn_qkv (q, k, v) and attn_gate (z)."""
    hidden = model.hidden_size
    keys = model.linear_key_heads * model.linear_key_head_dim
    values = model.linear_value_heads * model.linear_value_head_dim
    return [
        Tensor("attn_qkv", layer, hidden, hidden * (2 * keys + values)),
        Tensor("attn_gate", layer, hidden, hidden * values),
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
