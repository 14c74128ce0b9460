"""Real-shaped repositories for the Hub stand-in: the config.json fields of published models
(values as in their config.json files, ../shared/reference/HUB.md §5 and the catalog), and
safetensors files whose headers list every tensor the architecture has, so that the listed
sizes are what such a checkpoint holds (virtual: only the headers are served)."""

from tests.hub.standin import StandInFile, StandInRepo, config_file, gguf_header, safetensors_header

# meta-llama/Llama-3.2-1B-Instruct config.json
LLAMA_3_2_1B = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2048,
    "intermediate_size": 8192, "num_hidden_layers": 16, "num_attention_heads": 32,
    "num_key_value_heads": 8, "head_dim": 64, "vocab_size": 128256, "tie_word_embeddings": True,
    "max_position_embeddings": 131072, "torch_dtype": "bfloat16", "rms_norm_eps": 1e-05,
}  # fmt: skip
# meta-llama/Llama-3.1-8B-Instruct config.json
LLAMA_3_1_8B = {
    **LLAMA_3_2_1B, "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
    "head_dim": 128, "tie_word_embeddings": False,
}  # fmt: skip
# Qwen/Qwen2.5-32B-Instruct config.json (+ the AWQ repository's quantization_config)
QWEN2_5_32B = {
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 5120,
    "intermediate_size": 27648, "num_hidden_layers": 64, "num_attention_heads": 40,
    "num_key_value_heads": 8, "vocab_size": 152064, "tie_word_embeddings": False,
    "max_position_embeddings": 32768, "sliding_window": 131072, "use_sliding_window": False,
    "torch_dtype": "bfloat16",
}  # fmt: skip
AWQ = {"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": True, "version": "gemm"}
GPTQ = {"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": False, "sym": True}
FP8_BLOCK = {
    "quant_method": "fp8",
    "fmt": "e4m3",
    "activation_scheme": "dynamic",
    "weight_block_size": [128, 128],
}
# google/gemma-3-4b-it config.json: the text model under text_config, a SigLIP tower beside it
GEMMA_3_4B = {
    "architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
    "text_config": {
        "model_type": "gemma3_text", "hidden_size": 2560, "intermediate_size": 10240,
        "num_hidden_layers": 34, "num_attention_heads": 8, "num_key_value_heads": 4,
        "head_dim": 256, "vocab_size": 262208, "sliding_window": 1024,
        "sliding_window_pattern": 6, "max_position_embeddings": 131072,
    },
    "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152, "num_hidden_layers": 27},
    "torch_dtype": "bfloat16",
}  # fmt: skip


def _linear(prefix: str, rows: int, cols: int, quant: str | None) -> dict:
    """One linear layer's tensors as the format stores them (AutoAWQ/GPTQ: int32 packing
    8 four-bit weights, per-group scales; FP8: e4m3 weights and a 128x128-block scale)."""
    if quant in ("awq", "gptq"):
        tensors = {
            f"{prefix}.qweight": ("I32", [cols, rows // 8]),
            f"{prefix}.qzeros": ("I32", [cols // 128, rows // 8]),
            f"{prefix}.scales": ("F16", [cols // 128, rows]),
        }
        if quant == "gptq":
            tensors[f"{prefix}.g_idx"] = ("I32", [cols])
        return tensors
    if quant == "fp8":
        return {
            f"{prefix}.weight": ("F8_E4M3", [rows, cols]),
            f"{prefix}.weight_scale_inv": ("F32", [-(-rows // 128), -(-cols // 128)]),
        }
    return {f"{prefix}.weight": ("BF16", [rows, cols])}


def decoder_tensors(config: dict, quant: str | None = None, qkv_bias: bool = False) -> dict:
    """Every tensor of a Llama-layout decoder (transformers LlamaForCausalLM names)."""
    text = config.get("text_config", config)
    hidden, layers = text["hidden_size"], text["num_hidden_layers"]
    heads, kv_heads = text["num_attention_heads"], text["num_key_value_heads"]
    head_dim = text.get("head_dim") or hidden // heads
    dense = "F16" if quant in ("awq", "gptq") else "BF16"
    tensors = {"model.embed_tokens.weight": (dense, [text["vocab_size"], hidden])}
    for i in range(layers):
        p = f"model.layers.{i}"
        for name, rows in (
            ("q", heads * head_dim),
            ("k", kv_heads * head_dim),
            ("v", kv_heads * head_dim),
        ):
            tensors |= _linear(f"{p}.self_attn.{name}_proj", rows, hidden, quant)
            if qkv_bias:
                tensors[f"{p}.self_attn.{name}_proj.bias"] = (dense, [rows])
        tensors |= _linear(f"{p}.self_attn.o_proj", hidden, heads * head_dim, quant)
        for name in ("gate", "up"):
            tensors |= _linear(f"{p}.mlp.{name}_proj", text["intermediate_size"], hidden, quant)
        tensors |= _linear(f"{p}.mlp.down_proj", hidden, text["intermediate_size"], quant)
        tensors[f"{p}.input_layernorm.weight"] = (dense, [hidden])
        tensors[f"{p}.post_attention_layernorm.weight"] = (dense, [hidden])
    tensors["model.norm.weight"] = (dense, [hidden])
    if not text.get("tie_word_embeddings", False):
        tensors["lm_head.weight"] = (dense, [text["vocab_size"], hidden])
    return tensors


def safetensors_repo(
    repo_id: str, config: dict, tensors: dict, shards: int = 1, **repo
) -> StandInRepo:
    """A repository whose weights are `tensors`, in one file or `shards` files (+ the index)."""
    files = {
        "config.json": config_file(config),
        "generation_config.json": config_file({"do_sample": True}),
    }
    names = list(tensors)
    per_shard = -(-len(names) // shards)
    for n in range(shards):
        part = {name: tensors[name] for name in names[n * per_shard : (n + 1) * per_shard]}
        header, size = safetensors_header(part)
        path = (
            "model.safetensors" if shards == 1 else f"model-{n + 1:05d}-of-{shards:05d}.safetensors"
        )
        files[path] = StandInFile(header, size)
    if shards > 1:
        files["model.safetensors.index.json"] = config_file({"metadata": {}, "weight_map": {}})
    return StandInRepo(repo_id, files, **repo)


def total_size(repo: StandInRepo, suffix: str) -> int:
    return sum(
        f.length for path, f in repo.files.items() if path.endswith(suffix) and "/" not in path
    )


# A Llama 3.1 8B GGUF header (llama.cpp convert_hf_to_gguf.py key names)
LLAMA_GGUF_METADATA = {
    "general.architecture": "llama", "general.name": "Llama 3.1 8B Instruct",
    "general.file_type": 15, "llama.block_count": 32, "llama.context_length": 131072,
    "llama.embedding_length": 4096, "llama.feed_forward_length": 14336,
    "llama.attention.head_count": 32, "llama.attention.head_count_kv": 8,
    "llama.rope.freq_base": 500000.0, "llama.attention.layer_norm_rms_epsilon": 1e-05,
    "llama.vocab_size": 128256, "llama.rope.dimension_count": 128,
}  # fmt: skip


def gguf_repo(repo_id: str, files: dict[str, int], metadata: dict, params: int) -> StandInRepo:
    """GGUF files of the given sizes, each starting with the same real header."""
    header = gguf_header(metadata, vocab=128256 // 16)
    stand_in = {path: StandInFile(header, size) for path, size in files.items()}
    stand_in["README.md"] = StandInFile(b"# a GGUF repository\n")
    info = {
        "total": params,
        "architecture": metadata["general.architecture"],
        "context_length": 131072,
    }
    return StandInRepo(repo_id, stand_in, gguf=info)
