"""The weight format of a Hugging Face checkpoint, from its config.json or its GGUF file name.

`quantization_config` shapes: ../shared/reference/HUB.md §5 (transformers' quantization docs,
llm-compressor's compressed-tensors, ModelOpt, bitsandbytes). The bytes always come from the
files; the format names them, sets the KV cache element type when the checkpoint says so,
and picks the precision row (data/precisions.toml) the answer is labelled with.
"""

import re
from dataclasses import dataclass

from estimator.tables import name_key

_DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32", "half": "fp16"}
_GPTQ = {(4, 128): "gptq", (4, 32): "gptq-g32", (4, 64): "gptq-g64", (3, 128): "gptq-3bit"}
_GPTQ_BY_BITS = {8: "gptq-8bit", 3: "gptq-3bit", 4: "gptq"}
_QUANT_LABEL = re.compile(
    r"(?<![A-Z0-9])(UD-)?(IQ[1-4]_(?:XXS|XS|S|M|NL)|TQ[12]_0|Q[2-8]_K(?:_(?:XXL|XL|L|M|S))?"
    r"|Q[4-8]_[01]|MXFP4(?:_MOE)?|BF16|F16|F32)(?![A-Z0-9])"
)


@dataclass(frozen=True)
class WeightFormat:
    precision: str  # a data/precisions.toml name, or the checkpoint's own label
    label: str  # as the answer shows it: "AWQ 4-bit, groups of 128"
    kv_8bit: bool = False  # the checkpoint ships an 8-bit KV cache scale (FP8 KV)


def text_config(config: dict) -> dict:
    for key in ("text_config", "llm_config", "language_config"):
        if isinstance(config.get(key), dict):
            return config[key]
    thinker = config.get("thinker_config")
    if isinstance(thinker, dict) and isinstance(thinker.get("text_config"), dict):
        return thinker["text_config"]
    return config


def quantization_config(config: dict) -> dict | None:
    found = config.get("quantization_config") or text_config(config).get("quantization_config")
    return found if isinstance(found, dict) else None


def _compressed_tensors(quant: dict) -> WeightFormat:
    kv_8bit = (quant.get("kv_cache_scheme") or {}).get("num_bits") == 8
    groups = [g for g in (quant.get("config_groups") or {}).values() if isinstance(g, dict)]
    weights = (groups[0].get("weights") or {}) if groups else {}
    bits, kind = weights.get("num_bits"), weights.get("type")
    form = str(quant.get("format", ""))
    if "nvfp4" in form:
        return WeightFormat("nvfp4", "NVFP4 (compressed-tensors)", kv_8bit)
    if kind == "float" and bits == 8:
        return WeightFormat(
            "fp8", f"FP8 ({weights.get('strategy', 'tensor')} scales, compressed-tensors)", kv_8bit
        )
    if kind == "int" and bits in (4, 8):
        return WeightFormat(f"int{bits}", f"INT{bits} weights (compressed-tensors {form})", kv_8bit)
    return WeightFormat("compressed-tensors", f"compressed-tensors {form}".strip(), kv_8bit)


def _quantized(quant: dict) -> WeightFormat:
    method = str(quant.get("quant_method", "")).casefold()
    bits, group = quant.get("bits"), quant.get("group_size")
    if method == "awq":
        return WeightFormat("awq", f"AWQ {bits}-bit, groups of {group}")
    if method in ("gptq", "auto-round"):
        name = _GPTQ.get((bits, group)) or _GPTQ_BY_BITS.get(bits, "gptq")
        return WeightFormat(name, f"GPTQ {bits}-bit, groups of {group}")
    if method == "fp8":
        block = quant.get("weight_block_size")
        if block:
            shape = "×".join(str(side) for side in block)
            return WeightFormat("fp8-block", f"FP8 {quant.get('fmt', 'e4m3')}, {shape} blocks")
        return WeightFormat("fp8", f"FP8 {quant.get('fmt', 'e4m3')}")
    if method == "mxfp4":
        return WeightFormat("mxfp4", "MXFP4 experts, the rest bf16")
    if method == "compressed-tensors":
        return _compressed_tensors(quant)
    if method == "modelopt":
        algo = str(quant.get("quant_algo", "")).upper()
        kv_8bit = bool(quant.get("kv_cache_quant_algo") or quant.get("kv_cache_scheme"))
        name = {"FP8": "fp8", "NVFP4": "nvfp4"}.get(algo, "modelopt")
        return WeightFormat(name, f"ModelOpt {algo or 'quantized'}", kv_8bit)
    if method == "bitsandbytes":
        if quant.get("load_in_8bit"):
            return WeightFormat("bnb-int8", "bitsandbytes LLM.int8")
        kind = str(quant.get("bnb_4bit_quant_type", "nf4"))
        return WeightFormat("nf4" if kind == "nf4" else "bnb-fp4", f"bitsandbytes 4-bit {kind}")
    return WeightFormat(method or "quantized", f"{method or 'unknown'} quantization")


def config_format(config: dict) -> WeightFormat:
    """The format of a safetensors checkpoint from its config.json."""
    quant = quantization_config(config)
    if quant:
        return _quantized(quant)
    mlx = config.get("quantization")
    if isinstance(mlx, dict) and mlx.get("bits"):
        return WeightFormat(
            f"mlx-{mlx['bits']}bit", f"MLX {mlx['bits']}-bit, groups of {mlx.get('group_size')}"
        )
    text = text_config(config)
    dtype = (
        config.get("torch_dtype")
        or config.get("dtype")
        or text.get("torch_dtype")
        or text.get("dtype")
    )
    name = _DTYPES.get(str(dtype), "bf16")
    return WeightFormat(name, name if dtype else "bf16 (no dtype in config.json)")


def gguf_quant_label(filename: str) -> str | None:
    """'Llama-3.2-1B-Instruct-Q4_K_M.gguf' -> 'Q4_K_M', 'UD-Q4_K_XL/x-00001-of-00002.gguf' ->
    'UD-Q4_K_XL' (the last label in the name wins, as huggingface.js parseGGUFQuantLabel)."""
    found = _QUANT_LABEL.findall(filename.upper())
    if not found:
        return None
    prefix, label = found[-1]
    return prefix + label


_GGUF_NAMES = {"fp16": "f16", "fp32": "f32", "bfloat16": "bf16", "float16": "f16"}


def same_quant(label: str, wanted: str) -> bool:
    """'Q4_K_M' is q4_k_m; the file 'F16' is what people call fp16."""
    wanted = name_key(wanted)
    return name_key(label) == _GGUF_NAMES.get(wanted, wanted)
