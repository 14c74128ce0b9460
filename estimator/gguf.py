"""GGUF file sizes as llama.cpp's quantizer makes them: the sum over tensors of the type it
picks for each one, not one average bits-per-weight.

The choice follows llama.cpp src/llama-quant.cpp (`llama_tensor_get_type_impl`, commit in
data/engines.toml): a k-quant "mix" (Q4_K_M, Q3_K_L ...) has a default type, and some tensors
get more bits: attention V and FFN down in the first and last eighth of the layers and every
third one between (`use_more_bits`), the output (and tied embeddings) at Q6_K, 8-expert models'
attention K/V at Q8_0, 70B-class models' V at Q5_K. 1-D tensors (norms, biases) and the MoE
router stay F32. Type sizes: ggml/src/ggml.c `type_traits` (block size, bytes per block).
MoE files made before January 2024 (PRs #4872, #4906) kept the experts' FFN down and the
attention output at the mix's default type: they are smaller than today's rules make them.

MLA models (tensor names in gguf_tensors.py): attn_q_a, attn_q_b, attn_kv_a_mqa, attn_k_b and
attn_v_b fall under OTHER (the mix's default type); a whole attn_kv_b (files converted before
PR #12801) takes attention V's rules (`category_is_attn_v`), though quantizers of early 2025
gave it the default type too (PR #8194: it fell through the `attn_v.weight` test). An MoE
layer's ffn_down, ffn_down_exps and ffn_down_shexp share the type its index picks out of all
n_layer layers (`layer_info`); DeepSeek's 256 experts are not the 8-expert case.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from estimator.gguf_tensors import Tensor, tensors
from estimator.models import Model

# ggml type -> (elements per block, bytes per block), ggml/src/ggml.c type_traits.
TYPE_SIZES: dict[str, tuple[int, int]] = {
    "F32": (1, 4),
    "F16": (1, 2),
    "BF16": (1, 2),
    "Q8_0": (32, 34),
    "Q6_K": (256, 210),
    "Q5_K": (256, 176),
    "Q5_1": (32, 24),
    "Q5_0": (32, 22),
    "Q4_K": (256, 144),
    "Q4_1": (32, 20),
    "Q4_0": (32, 18),
    "IQ4_XS": (256, 136),
    "IQ4_NL": (32, 18),
    "Q3_K": (256, 110),
    "IQ3_S": (256, 110),
    "IQ3_XXS": (256, 98),
    "Q2_K": (256, 84),
    "IQ2_S": (256, 82),
    "IQ2_XS": (256, 74),
    "IQ2_XXS": (256, 66),
    "IQ1_M": (256, 56),
    "IQ1_S": (256, 50),
    "TQ2_0": (256, 66),
    "TQ1_0": (256, 54),
}

# llama_ftype_get_default_type: the file type's name -> the type most tensors get.
FTYPE_DEFAULT: dict[str, str] = {
    "f16": "F16",
    "fp16": "F16",
    "bf16": "BF16",
    "q8_0": "Q8_0",
    "q6_k": "Q6_K",
    "q5_k_m": "Q5_K",
    "q5_k_s": "Q5_K",
    "q5_0": "Q5_0",
    "q5_1": "Q5_1",
    "q4_k_m": "Q4_K",
    "q4_k_s": "Q4_K",
    "q4_0": "Q4_0",
    "q4_1": "Q4_1",
    "iq4_xs": "IQ4_XS",
    "iq4_nl": "IQ4_NL",
    "q3_k_l": "Q3_K",
    "q3_k_m": "Q3_K",
    "q3_k_s": "Q3_K",
    "iq3_m": "IQ3_S",
    "iq3_s": "IQ3_S",
    "iq3_xs": "IQ3_S",
    "iq3_xxs": "IQ3_XXS",
    "q2_k": "Q2_K",
    "q2_k_s": "Q2_K",
    "iq2_m": "IQ2_S",
    "iq2_s": "IQ2_XS",
    "iq2_xs": "IQ2_XS",
    "iq2_xxs": "IQ2_XXS",
    "iq1_m": "IQ1_M",
    "iq1_s": "IQ1_S",
    "tq1_0": "TQ1_0",
    "tq2_0": "TQ2_0",
}
# Unsloth's dynamic quants (UD-*): no published rule, so the llama.cpp mix of the same letter.
UD_BASE = {
    "ud-q8_k_xl": "q8_0", "ud-q6_k_xl": "q6_k", "ud-q5_k_xl": "q5_k_m", "ud-q4_k_xl": "q4_k_m",
    "ud-q3_k_xl": "q3_k_m", "ud-q2_k_xl": "q2_k", "ud-iq2_xxs": "iq2_xxs", "ud-iq1_s": "iq1_s",
}  # fmt: skip
# category_is_attn_v: fused QKV and MLA's whole kv_b take V's rules (and its counter)
_ATTN_V_LIKE = ("attn_v", "attn_qkv", "attn_kv_b")
_IQ2_AND_BELOW = {"iq2_xxs", "iq2_xs", "iq1_s", "iq2_s", "iq2_m", "iq1_m"}
# tensor_type_fallback: a row length the block does not divide takes a 32-wide type instead.
_FALLBACK = {
    "IQ1_S": "IQ4_NL", "IQ1_M": "IQ4_NL", "IQ2_XXS": "IQ4_NL", "IQ2_XS": "IQ4_NL",
    "IQ2_S": "IQ4_NL", "IQ3_XXS": "IQ4_NL", "IQ3_S": "IQ4_NL", "IQ4_XS": "IQ4_NL",
    "Q2_K": "Q4_0", "Q3_K": "Q4_0", "TQ1_0": "Q4_0", "TQ2_0": "Q4_0",
    "Q4_K": "Q5_0", "Q5_K": "Q5_1", "Q6_K": "Q8_0",
}  # fmt: skip


def is_gguf_format(name: str) -> bool:
    return name in UD_BASE or (name in FTYPE_DEFAULT and name not in ("fp16", "f16", "bf16"))


def _use_more_bits(index: int, count: int) -> bool:
    return index < count // 8 or index >= 7 * count // 8 or (index - count // 8) % 3 == 2


def _is_70b_class(model: Model) -> bool:
    # llama-model.cpp: 80 layers are LLM_TYPE_70B for the Llama and Qwen2 architectures.
    return model.layers == 80 and model.key.startswith(("llama", "qwen2"))


def new_counters(listed: tuple[Tensor, ...]) -> dict[str, int]:
    """quantize_state_impl's counters, walked in file order; n_attention_wv counts the
    attention-V-like tensors (init_quantize_state_counters)."""
    return {"attn_v": 0, "ffn_down": 0, "n_attn_v": sum(t.role in _ATTN_V_LIKE for t in listed)}


def tensor_type(model: Model, tensor: Tensor, ftype: str, counters: dict[str, int]) -> str:
    """llama_tensor_get_type for one tensor of a k-quant or i-quant mix (no imatrix)."""
    default = FTYPE_DEFAULT[ftype]
    if not tensor.quantisable:  # kept as converted: 1-D in F32, the shared expert's gate 16-bit
        return "F16" if tensor.role == "ffn_gate_inp_shexp" else "F32"
    if default in ("F16", "BF16"):
        return default
    chosen = _mixture_type(model, tensor, ftype, default, counters)
    block, _ = TYPE_SIZES[chosen]
    if tensor.row % block:
        chosen = _FALLBACK.get(chosen, chosen)
        if tensor.row % TYPE_SIZES[chosen][0]:
            chosen = "F16"
    return chosen


def _mixture_type(model: Model, tensor: Tensor, ftype: str, new: str, counters) -> str:
    role = tensor.role
    gqa = model.attention_heads // model.kv_heads
    eight_experts = model.experts == 8
    falcon = model.key.startswith("falcon")
    layers = model.layers
    if role == "output" or (model.tied_embeddings and role == "token_embd"):
        if falcon or tensor.row % TYPE_SIZES[new][0]:
            return "Q8_0"
        if ftype in _IQ2_AND_BELOW:
            return "Q5_K"
        return new if new == "Q8_0" else "Q6_K"
    if role == "token_embd":
        if ftype in ("iq2_xxs", "iq2_xs", "iq1_s", "iq1_m"):
            return "Q2_K"
        if ftype in ("iq2_s", "iq2_m", "iq3_xxs"):
            return "IQ3_S"
        if ftype in ("tq1_0", "tq2_0"):
            return "Q4_K"
        return new
    if ftype in _IQ2_AND_BELOW:
        return _iq2_type(model, role, ftype, new, counters, gqa)
    if role in _ATTN_V_LIKE:
        index = counters["attn_v"]
        counters["attn_v"] += 1
        if ftype == "q2_k":
            new = "Q4_K" if gqa >= 4 else "Q3_K"
        elif ftype == "q2_k_s" and gqa >= 4:
            new = "Q4_K"
        elif ftype == "iq3_xxs":
            new = "Q4_K" if gqa >= 4 else "IQ3_S"
        elif (ftype in ("iq3_xs", "iq3_s") and gqa >= 4) or ftype == "iq3_m":
            new = "Q4_K"
        elif ftype == "q3_k_m":
            new = "Q5_K" if index < 2 else "Q4_K"
        elif ftype == "q3_k_l" or (ftype in ("iq4_nl", "iq4_xs") and gqa >= 4):
            new = "Q5_K"
        elif ftype in ("q4_k_m", "q5_k_m") and _use_more_bits(index, counters["n_attn_v"]):
            new = "Q6_K"
        elif ftype == "q4_k_s" and index < 4:
            new = "Q5_K"
        if _is_70b_class(model) and new in ("Q3_K", "Q4_K"):
            new = "Q5_K"
        return "Q8_0" if eight_experts else new
    if role == "attn_k":
        if eight_experts:
            return "Q8_0"
        return {"iq3_xs": "IQ3_XXS", "iq3_xxs": "IQ2_S"}.get(ftype, new)
    if role == "attn_q":
        return {"iq3_xs": "IQ3_XXS", "iq3_xxs": "IQ2_S"}.get(ftype, new)
    if role == "ffn_down":
        # layer_info: an MoE layer's experts share one type, chosen by the layer's index (PR #4927)
        index = tensor.layer if model.is_moe else counters["ffn_down"]
        counters["ffn_down"] += 1
        return _ffn_down_type(ftype, new, index, layers, falcon, eight_experts)
    if role == "attn_output":
        if falcon:
            return "Q4_K" if ftype == "q3_k_l" else new
        if eight_experts:
            mixes = {"q2_k", "iq3_xs", "iq3_xxs", "q3_k_s", "q3_k_m", "iq4_nl", "q4_k_s",
                     "q4_k_m", "iq3_s", "iq3_m", "iq4_xs"}  # fmt: skip
            return "Q5_K" if ftype in mixes else new
        return {"q2_k": "Q3_K", "iq3_xxs": "IQ3_S", "q3_k_m": "Q4_K", "q3_k_l": "Q5_K",
                "iq3_m": "Q4_K"}.get(ftype, new)  # fmt: skip
    middle = tensor.layer is not None and layers // 8 <= tensor.layer < 7 * layers // 8
    if role in ("ffn_gate", "ffn_up") and ftype == "iq3_xs" and middle:
        return "IQ3_XXS"
    return new


def _ffn_down_type(ftype, new, index, layers, falcon, eight_experts) -> str:
    if ftype == "q2_k":
        return "Q3_K"
    if ftype == "q2_k_s":
        return "Q4_K" if index < layers // 8 else new
    if ftype == "iq3_xxs":
        return "Q4_K" if index < layers // 8 else "Q3_K"
    if ftype == "q3_k_m":
        if index < layers // 16:
            return "Q5_K"
        return "Q4_K" if not falcon or _use_more_bits(index, layers) else "Q3_K"
    if ftype == "iq3_m" and (
        index < layers // 8 or (eight_experts and _use_more_bits(index, layers))
    ):
        return "Q4_K"
    if ftype == "q3_k_l":
        return "Q4_K" if falcon else "Q5_K"
    if ftype == "q4_k_m":
        if falcon:
            if index < layers // 16:
                return "Q6_K"
            return "Q5_K" if _use_more_bits(index, layers) else "Q4_K"
        return "Q6_K" if _use_more_bits(index, layers) else new
    if index < layers // 8 and ftype in ("iq4_nl", "iq4_xs"):
        return "Q5_K"
    if ftype == "q5_k_m" and _use_more_bits(index, layers):
        return "Q6_K"
    if ftype == "q4_k_s" and not falcon and index < layers // 8:
        return "Q5_K"
    return new


def _iq2_type(model, role, ftype, new, counters, gqa) -> str:
    if role in _ATTN_V_LIKE:
        counters["attn_v"] += 1
        if gqa >= 4 or model.experts >= 4:
            return "Q4_K"
        return "IQ3_S" if ftype in ("iq2_s", "iq2_m") else "Q2_K"
    if model.experts == 8 and role == "attn_k":
        return "Q4_K"
    if role == "ffn_down":
        index = counters["ffn_down"]
        counters["ffn_down"] += 1
        if index < model.layers // 8:
            return "IQ3_S" if ftype in ("iq2_s", "iq2_m") else "Q2_K"
        return new
    if role == "attn_output":
        if model.experts == 8:
            return "Q5_K"
        if ftype in ("iq1_s", "iq1_m"):
            return "IQ2_XXS"
        if ftype in ("iq2_s", "iq2_m"):
            return "IQ3_S"
    return new


def tensor_bytes(elements: int, ggml_type: str) -> int:
    block, size = TYPE_SIZES[ggml_type]
    return math.ceil(elements / block) * size


@dataclass(frozen=True)
class GgufSize:
    """A GGUF file's tensor data: per repeating layer, and the rest (embeddings, output)."""

    total_bytes: int  # the model file (a vision model's tower is in mmproj_bytes, not here)
    layer_bytes: tuple[int, ...]
    token_embd_bytes: int  # kept in system RAM by llama.cpp: the input layer is never offloaded
    output_bytes: int  # output.weight (a copy of token_embd when tied), the final norm and the
    # vision tower, offloaded with -ngl > layers
    types: dict[str, int]  # ggml type -> elements of the model file, for the answer's words
    mmproj_bytes: int = 0  # the vision tower's own file (--mmproj), as its converter writes it

    @property
    def bits_per_weight(self) -> Fraction:
        return Fraction(self.total_bytes * 8, sum(self.types.values()))

    @property
    def loaded_bytes(self) -> int:
        return self.total_bytes + self.mmproj_bytes


def gguf_size(model: Model, ftype: str, as_first_converted: bool = False) -> GgufSize:
    """as_first_converted: the tensors as llama.cpp's converter first wrote the architecture
    (gguf_tensors.tensors): MLA's kv_b whole, Qwen3-Next's in_proj_qkvz whole."""
    ftype = UD_BASE.get(ftype, ftype)
    listed = tensors(model, as_first_converted)
    counters = new_counters(listed)
    layers = [0] * model.layers
    token_embd = output = 0
    types: dict[str, int] = {}
    for tensor in listed:
        kind = tensor_type(model, tensor, ftype, counters)
        size = tensor_bytes(tensor.elements, kind)
        types[kind] = types.get(kind, 0) + tensor.elements
        if tensor.layer is not None:
            layers[tensor.layer] += size
        elif tensor.role == "token_embd":
            token_embd += size
        else:
            output += size
    total = sum(layers) + token_embd + output
    if model.tied_embeddings:
        output += token_embd  # llama.cpp duplicates the tied matrix onto the output's device
    # convert_hf_to_gguf.py --mmproj writes the vision tower (and projector) apart, in F16 by
    # default whatever the text model's mix; llama-server offloads it to the GPU (mmproj_offload)
    mmproj = model.vision_params * TYPE_SIZES["F16"][1]
    return GgufSize(
        total_bytes=total,
        layer_bytes=tuple(layers),
        token_embd_bytes=token_embd,
        output_bytes=output + mmproj,
        types=types,
        mmproj_bytes=mmproj,
    )


def supports(model: Model | None) -> bool:
    """Architectures whose tensors gguf_tensors lists: MLA without V3.2's indexer, Gated
    DeltaNet (qwen3next), vision models whose text model is one of these (the tower is its own
    mmproj file). Not: Llama 3.2 Vision's cross-attention layers, Gemma 3n's per-layer inputs,
    Llama 4 Maverick's alternating dense and MoE layers (the listing puts MoE layers last)."""
    return (
        model is not None
        and not model.index_head_dim
        and model.linear_attention in (None, "gated-deltanet")
        and not model.cross_attention_layers
        and not (model.vision_params and model.per_layer_input_size)
        and not (model.vision_params and model.is_moe and model.dense_layers)
    )
