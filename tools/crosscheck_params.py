"""Cross-check the catalog's parameter arithmetic against transformers, offline.

Each catalog model is rebuilt from its own fields as a transformers config, instantiated on
PyTorch's meta device (shapes only: no weights, no memory, no network), and its parameters
counted. That count must equal `Model.param_groups().total` exactly.

Needs torch and transformers, which the project itself does not: use a separate venv.

    python3 -m venv .venv-crosscheck
    .venv-crosscheck/bin/pip install -r requirements-crosscheck.txt
    .venv-crosscheck/bin/python tools/crosscheck_params.py [KEY ...]
"""

import sys
from pathlib import Path

import torch
import transformers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator.models import ALL_MODELS, MODELS_BY_KEY, Model

# SigLIP so400m-patch14-896, the vision tower of Gemma 3 4B/12B/27B (their vision_config).
GEMMA_3_VISION = {
    "hidden_size": 1152,
    "intermediate_size": 4304,
    "num_hidden_layers": 27,
    "num_attention_heads": 16,
    "image_size": 896,
    "patch_size": 14,
    "vision_use_head": False,  # Gemma 3 takes the patch embeddings, not SigLIP's pooled head
}


# Pixtral, the vision tower of Mistral Small 3.1/3.2 (their vision_config).
MISTRAL_SMALL_VISION = {
    "hidden_size": 1024,
    "intermediate_size": 4096,
    "num_hidden_layers": 24,
    "num_attention_heads": 16,
    "head_dim": 64,
    "patch_size": 14,
    "image_size": 1540,
}


def _decoder(model: Model) -> dict:
    return {
        "hidden_size": model.hidden_size,
        "intermediate_size": model.intermediate_size,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.attention_heads,
        "num_key_value_heads": model.kv_heads,
        "head_dim": model.head_dim,
        "vocab_size": model.vocab_size,
        "tie_word_embeddings": model.tied_embeddings,
    }


# Qwen2.5-VL's vision tower (every size: vision_config of Qwen/Qwen2.5-VL-*-Instruct).
QWEN2_5_VL_VISION = {
    "depth": 32,
    "hidden_size": 1280,
    "intermediate_size": 3420,
    "num_heads": 16,
    "patch_size": 14,
    "spatial_merge_size": 2,
    "temporal_patch_size": 2,
    "window_size": 112,
    "fullatt_block_indexes": [7, 15, 23, 31],
}

# Llama 4 Scout's and Maverick's vision encoder (vision_config of meta-llama/Llama-4-*).
LLAMA_4_VISION = {
    "hidden_size": 1408,
    "intermediate_size": 5632,
    "num_hidden_layers": 34,
    "num_attention_heads": 16,
    "image_size": 336,
    "patch_size": 14,
    "pixel_shuffle_ratio": 0.5,
    "projector_input_dim": 4096,
    "projector_output_dim": 4096,
    "vision_output_dim": 4096,
}

# Llama 3.2 Vision's encoder, 11B and 90B alike (vision_config of meta-llama/Llama-3.2-*-Vision).
MLLAMA_VISION = {
    "hidden_size": 1280,
    "num_hidden_layers": 32,
    "num_global_layers": 8,
    "attention_heads": 16,
    "intermediate_size": 5120,
    "image_size": 560,
    "patch_size": 14,
    "max_num_tiles": 4,
    "intermediate_layers_indices": [3, 7, 15, 23, 30],
    "vision_output_dim": 7680,
}


# Catalog entries whose architecture transformers does not ship (remote code only): reported
# per model as not checked. nomic-embed-text is held to its HF count instead
# (tests/test_catalog_families.py).
NOT_IN_TRANSFORMERS: dict[str, str] = {
    "nomic-embed-text-v1.5": "NomicBertModel (trust_remote_code)",
    "llama-3.3-nemotron-super-49b": "DeciLMForCausalLM (nemotron-nas, trust_remote_code)",
    "llama-3.1-nemotron-ultra-253b": "DeciLMForCausalLM (nemotron-nas, trust_remote_code)",
}


def _moe(model: Model) -> dict:
    return {
        "num_experts_per_tok": model.experts_per_token,
        "moe_intermediate_size": model.moe_intermediate_size,
    }


def _mla(model: Model) -> dict:
    return {
        "n_routed_experts": model.experts,
        "n_shared_experts": model.shared_experts,
        "first_k_dense_replace": model.dense_layers,
        "q_lora_rank": model.q_lora_rank,
        "kv_lora_rank": model.kv_lora_rank,
        "qk_nope_head_dim": model.qk_nope_head_dim,
        "qk_rope_head_dim": model.qk_rope_head_dim,
        "v_head_dim": model.v_head_dim,
        **_moe(model),
    }


def _layer_pattern(model: Model, interval: int, linear: str, full: str) -> list[str]:
    """Every `interval`-th layer is `full`, the rest `linear` (Qwen3-Next, MiniMax-Text-01)."""
    return [full if (i + 1) % interval == 0 else linear for i in range(model.layers)]


def _config(model: Model) -> transformers.PretrainedConfig:
    key, fields = model.key, _decoder(model)
    catalog_b = _config_catalog_b(model, fields)
    if catalog_b is not None:
        return catalog_b
    if key.startswith("llama-4"):
        moe_step = model.layers // (model.layers - model.dense_layers)
        text = transformers.Llama4TextConfig(
            **{**fields, "intermediate_size": model.moe_intermediate_size},
            intermediate_size_mlp=model.intermediate_size,
            num_local_experts=model.experts,
            num_experts_per_tok=model.experts_per_token,
            interleave_moe_layer_step=moe_step,
            attention_chunk_size=model.attention_chunk,
        )
        return transformers.Llama4Config(text_config=text.to_dict(), vision_config=LLAMA_4_VISION)
    if key.startswith("llama-3.2-vision"):
        cross = list(range(3, model.layers, 5))  # every fifth layer from layer 3
        assert len(cross) == model.cross_attention_layers
        text = {**fields, "cross_attention_layers": cross}
        return transformers.MllamaConfig(text_config=text, vision_config=MLLAMA_VISION)
    if key.startswith(("llama", "codellama", "deepseek-r1-distill-llama", "deepseek-llm")) or (
        key.startswith("deepseek-coder-") and not key.startswith("deepseek-coder-v2")
    ):
        return transformers.LlamaConfig(**fields)
    if key.startswith("qwen2.5-vl"):
        vision = {**QWEN2_5_VL_VISION, "out_hidden_size": model.hidden_size}
        return transformers.Qwen2_5_VLConfig(text_config=fields, vision_config=vision)
    if key.startswith(("qwen2", "qwq", "deepseek-r1-distill-qwen", "kimi-dev")):
        return transformers.Qwen2Config(**fields)
    if key.startswith("qwen3-next"):
        return transformers.Qwen3NextConfig(
            **fields,
            **_moe(model),
            num_experts=model.experts,
            shared_expert_intermediate_size=model.shared_expert_intermediate_size,
            linear_num_key_heads=model.linear_key_heads,
            linear_num_value_heads=model.linear_value_heads,
            linear_key_head_dim=model.linear_key_head_dim,
            linear_value_head_dim=model.linear_value_head_dim,
            linear_conv_kernel_dim=model.linear_conv_kernel,
            layer_types=_layer_pattern(model, 4, "linear_attention", "full_attention"),
            mlp_only_layers=[],
            decoder_sparse_step=1,
        )
    if key.startswith(("deepseek-v2", "deepseek-coder-v2")):
        return transformers.DeepseekV2Config(**fields, **_mla(model))
    if key.startswith("deepseek-v3.2"):
        return transformers.DeepseekV32Config(
            **fields,
            **_mla(model),
            index_n_heads=model.index_heads,
            index_head_dim=model.index_head_dim,
        )
    if key.startswith("deepseek-r1-0528-qwen3"):
        return transformers.Qwen3Config(**fields)
    if key.startswith(("deepseek", "kimi")):
        return transformers.DeepseekV3Config(**fields, **_mla(model))
    if key.startswith(("glm-4.5", "glm-4.6")):
        return transformers.Glm4MoeConfig(
            **fields,
            **_moe(model),
            n_routed_experts=model.experts,
            n_shared_experts=model.shared_experts,
            first_k_dense_replace=model.dense_layers,
            attention_bias=model.attention_bias == "qkv",
            use_qk_norm=model.qk_norm,
        )
    if key.startswith(("glm-4", "glm-z1")):
        return transformers.Glm4Config(**fields, attention_bias=True)
    if key.startswith("minimax-m2"):
        return transformers.MiniMaxM2Config(
            **fields, num_local_experts=model.experts, num_experts_per_tok=model.experts_per_token
        )
    if key.startswith(("minimax-text", "minimax-m1")):
        return transformers.MiniMaxConfig(
            **{**fields, "intermediate_size": model.moe_intermediate_size},
            num_local_experts=model.experts,
            num_experts_per_tok=model.experts_per_token,
            layer_types=_layer_pattern(model, 8, "linear_attention", "full_attention"),
        )
    if key.startswith("mistral"):
        return transformers.MistralConfig(**fields)
    if key.startswith("mixtral"):
        return transformers.MixtralConfig(
            **fields, num_local_experts=model.experts, num_experts_per_tok=model.experts_per_token
        )
    if key.startswith("qwen2.5"):
        return transformers.Qwen2Config(**fields)
    if key.startswith("qwen3") and model.is_moe:
        return transformers.Qwen3MoeConfig(
            **fields,
            num_experts=model.experts,
            num_experts_per_tok=model.experts_per_token,
            moe_intermediate_size=model.moe_intermediate_size,
            decoder_sparse_step=1,
            mlp_only_layers=[],
        )
    if key.startswith("qwen3"):
        return transformers.Qwen3Config(**fields)
    if key.startswith("gemma-2"):
        return transformers.Gemma2Config(**fields, sliding_window=model.sliding_window)
    if key.startswith("gemma-3n"):  # the text model only: see _text_only
        return transformers.Gemma3nTextConfig(
            **fields,
            sliding_window=model.sliding_window,
            layer_types=_layer_pattern(model, 5, "sliding_attention", "full_attention"),
            num_kv_shared_layers=model.kv_shared_layers,
            hidden_size_per_layer_input=model.per_layer_input_size,
            vocab_size_per_layer_input=model.per_layer_vocab_size,
            altup_num_inputs=model.altup_inputs,
            laurel_rank=model.laurel_rank,
        )
    if key.startswith("gemma-3"):
        text = transformers.Gemma3TextConfig(**fields, sliding_window=model.sliding_window)
        if not model.vision_params:
            return text
        return transformers.Gemma3Config(text_config=text.to_dict(), vision_config=GEMMA_3_VISION)
    if key.startswith("phi-3"):
        return transformers.Phi3Config(**fields)
    if key.startswith("deepseek"):
        return transformers.DeepseekV3Config(
            **fields,
            n_routed_experts=model.experts,
            n_shared_experts=model.shared_experts,
            num_experts_per_tok=model.experts_per_token,
            moe_intermediate_size=model.moe_intermediate_size,
            first_k_dense_replace=model.dense_layers,
            q_lora_rank=model.q_lora_rank,
            kv_lora_rank=model.kv_lora_rank,
            qk_nope_head_dim=model.qk_nope_head_dim,
            qk_rope_head_dim=model.qk_rope_head_dim,
            v_head_dim=model.v_head_dim,
        )
    if key.startswith("gpt-oss"):
        return transformers.GptOssConfig(
            **fields,
            num_local_experts=model.experts,
            num_experts_per_tok=model.experts_per_token,
            sliding_window=model.sliding_window,
        )
    if key.startswith("falcon"):
        return transformers.FalconConfig(
            hidden_size=model.hidden_size,
            num_hidden_layers=model.layers,
            num_attention_heads=model.attention_heads,
            num_kv_heads=model.kv_heads,
            vocab_size=model.vocab_size,
            ffn_hidden_size=model.intermediate_size,
            new_decoder_architecture=True,
            parallel_attn=True,
            bias=False,
        )
    if key.startswith("opt"):
        return transformers.OPTConfig(
            hidden_size=model.hidden_size,
            ffn_dim=model.intermediate_size,
            num_hidden_layers=model.layers,
            num_attention_heads=model.attention_heads,
            vocab_size=model.vocab_size,
            max_position_embeddings=model.learned_positions - 2,  # OPT offsets positions by 2
            word_embed_proj_dim=model.hidden_size,
        )
    raise LookupError(f"no transformers config for {key}")


# ------------------------------------------------------------------ catalog-b families
# Mistral Small/Large/Codestral/Devstral/Magistral/Ministral, Phi-3.5/4, Cohere, Falcon 7B and
# Falcon 3, Yi, OLMo 2, Granite, StarCoder(2), MPT, embedding models.

_XLM_ROBERTA = ("bge-m3", "multilingual-e5-large")
_LLAMA_LAYOUT = ("falcon3-", "yi-")
_MISTRAL_LAYOUT = (
    "mistral-small-3-", "mistral-large", "codestral", "devstral", "magistral", "ministral",
    "mathstral",
)  # fmt: skip


def _config_catalog_b(model: Model, fields: dict) -> transformers.PretrainedConfig | None:
    key = model.key
    if model.is_embedding:
        return _embedding_config(model, fields)
    if key == "pixtral-12b":
        return transformers.LlavaConfig(
            text_config=transformers.MistralConfig(**fields).to_dict(),
            vision_config=transformers.PixtralVisionConfig(
                **{**MISTRAL_SMALL_VISION, "patch_size": 16, "image_size": 1024}
            ).to_dict(),
            multimodal_projector_bias=True,
            vision_feature_layer=-1,
            tie_word_embeddings=model.tied_embeddings,
        )
    if key.startswith(("mistral-small-3.1", "mistral-small-3.2")):
        return transformers.Mistral3Config(
            text_config=transformers.MistralConfig(**fields).to_dict(),
            vision_config=MISTRAL_SMALL_VISION,
            spatial_merge_size=2,
            multimodal_projector_bias=False,
            tie_word_embeddings=model.tied_embeddings,  # the outer config decides the tying
        )
    if key.startswith(_MISTRAL_LAYOUT):
        return transformers.MistralConfig(**fields)
    if key.startswith(_LLAMA_LAYOUT):
        return transformers.LlamaConfig(**fields)
    if key.startswith("gemma-1"):
        return transformers.GemmaConfig(**fields)
    if key == "phi-2":
        return transformers.PhiConfig(**fields, partial_rotary_factor=0.4)
    if key.startswith("olmoe"):
        return transformers.OlmoeConfig(
            **fields, num_experts=model.experts, num_experts_per_tok=model.experts_per_token
        )
    if key == "phi-3.5-moe":
        return transformers.PhimoeConfig(
            **fields,
            num_local_experts=model.experts,
            num_experts_per_tok=model.experts_per_token,
            attention_bias=True,
            lm_head_bias=True,
        )
    if key.startswith(("phi-3.5", "phi-4")):
        return transformers.Phi3Config(**fields)
    if key.startswith(("command", "aya")):
        del fields["head_dim"]  # Cohere derives it from hidden_size / heads
        if model.has_sliding_window:
            return transformers.Cohere2Config(**fields, sliding_window=model.sliding_window)
        return transformers.CohereConfig(**fields, use_qk_norm=model.qk_norm)
    if key == "falcon-7b":
        return transformers.FalconConfig(
            hidden_size=model.hidden_size,
            num_hidden_layers=model.layers,
            num_attention_heads=model.attention_heads,
            vocab_size=model.vocab_size,
            multi_query=True,
            new_decoder_architecture=False,
            parallel_attn=True,
            bias=False,
        )
    if key.startswith("olmo-2"):
        return transformers.Olmo2Config(**fields)
    if key.startswith("granite") and model.is_moe:
        return transformers.GraniteMoeConfig(
            **fields, num_local_experts=model.experts, num_experts_per_tok=model.experts_per_token
        )
    if key.startswith("granite"):
        return transformers.GraniteConfig(**fields)
    if key.startswith("starcoder2"):
        return transformers.Starcoder2Config(**fields, use_bias=True)
    if key.startswith("starcoder"):
        return transformers.GPTBigCodeConfig(
            n_embd=model.hidden_size,
            n_layer=model.layers,
            n_head=model.attention_heads,
            n_inner=model.intermediate_size,
            n_positions=model.learned_positions,
            vocab_size=model.vocab_size,
            multi_query=True,
        )
    if key.startswith("mpt"):
        return transformers.MptConfig(
            d_model=model.hidden_size,
            n_heads=model.attention_heads,
            n_layers=model.layers,
            expansion_ratio=model.intermediate_size // model.hidden_size,
            max_seq_len=model.native_context,
            vocab_size=model.vocab_size,
            no_bias=True,
        )
    return None


def _embedding_config(model: Model, fields: dict) -> transformers.PretrainedConfig:
    if model.key.startswith("e5-mistral"):
        return transformers.MistralConfig(**fields)
    if model.key.startswith("qwen3-embedding"):
        return transformers.Qwen3Config(**fields)
    bert = {
        "vocab_size": model.vocab_size,
        "hidden_size": model.hidden_size,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.attention_heads,
        "intermediate_size": model.intermediate_size,
        "max_position_embeddings": model.learned_positions,
        "type_vocab_size": model.token_types,
    }
    if model.key in _XLM_ROBERTA:
        return transformers.XLMRobertaConfig(**bert)
    return transformers.BertConfig(**bert)


def _module(model: Model, config: transformers.PretrainedConfig) -> torch.nn.Module:
    if model.is_embedding:  # the bare encoder, as the checkpoint holds it (no head)
        return transformers.AutoModel.from_config(config)
    if isinstance(config, transformers.Mistral3Config):
        return transformers.Mistral3ForConditionalGeneration(config)
    if isinstance(config, transformers.LlavaConfig):
        return transformers.LlavaForConditionalGeneration(config)
    return None


# Checked as their text model only, vision_params (the towers) set aside: Gemma 3n's vision
# tower is timm's MobileNet-V5, and timm is no dependency here (Gemma3nForCausalLM needs none).
def _text_only(model: Model) -> bool:
    return model.key.startswith("gemma-3n")


# Persistent buffers that transformers computes from the config rather than loads: MiniMax's
# lightning-attention decay tables (MiniMaxLightningAttention.__init__, from the head slopes).
DERIVED_BUFFERS = (".slope_rate", ".query_decay", ".key_decay", ".diagonal_decay")


def transformers_count(model: Model) -> int:
    """Parameters and persistent buffers (DeepSeek's router bias is one) of the module that
    transformers builds; tied weights once, rotary caches (not persistent) not at all."""
    config = _config(model)
    with torch.device("meta"):
        module = _module(model, config)
        if module is not None:
            pass
        elif isinstance(config, transformers.Gemma3Config):
            module = transformers.Gemma3ForConditionalGeneration(config)
        elif isinstance(config, transformers.Qwen2_5_VLConfig):
            module = transformers.Qwen2_5_VLForConditionalGeneration(config)
        elif isinstance(config, transformers.MllamaConfig):
            module = transformers.MllamaForConditionalGeneration(config)
        elif isinstance(config, transformers.Llama4Config):
            module = transformers.Llama4ForConditionalGeneration(config)
        else:
            module = transformers.AutoModelForCausalLM.from_config(config)
    saved = {name for name in module.state_dict() if not name.endswith(DERIVED_BUFFERS)}
    count = sum(tensor.numel() for tensor in module.parameters())
    count += sum(t.numel() for name, t in module.named_buffers() if name in saved)
    return count


def main(keys: list[str]) -> int:
    models = [MODELS_BY_KEY[key] for key in keys] if keys else list(ALL_MODELS)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    print(f"{'model':32} {'transformers':>17} {'catalog':>17} {'published':>17}  result")
    failures = missing = 0
    for model in models:
        if model.key in NOT_IN_TRANSFORMERS:  # say which, rather than fail
            missing += 1
            print(
                f"{model.key:32} {'-':>17} {model.param_groups().total:>17,} {model.params:>17,}  "
                f"not checked: transformers has no {NOT_IN_TRANSFORMERS[model.key]}"
            )
            continue
        built = transformers_count(model)
        computed = model.param_groups().total
        if _text_only(model):
            computed -= model.vision_params
        same = built == computed
        failures += not same
        note = "ok" if same else f"MISMATCH by {computed - built:+,}"
        if _text_only(model):
            note += f" (text model; + vision_params {model.vision_params:,} = published)"
        elif computed != model.params:
            note += f" (published differs by {model.params - computed:+,}: see note)"
        print(f"{model.key:32} {built:>17,} {computed:>17,} {model.params:>17,}  {note}")
    checked = len(models) - missing
    print(
        f"{checked - failures} of {checked} agree exactly"
        + (f"; {missing} not checked (architecture not in transformers)" if missing else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
