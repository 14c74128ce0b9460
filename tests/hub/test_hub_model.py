"""The pure half: config.json and GGUF headers to a Model, formats, file choice, repo refs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimator.errors import QueryError
from estimator.gguf_header import NeedMoreBytes, NotGguf, read_gguf_header
from estimator.hub_formats import config_format, gguf_quant_label
from estimator.hub_model import (
    HubFacts,
    RepoFile,
    choose_gguf,
    hub_model,
    model_from_config,
    model_from_gguf,
)
from estimator.hub_ref import find_repo_ref
from estimator.models import MODELS_BY_KEY
from tests.hub import configs, repos
from tests.hub.standin import gguf_header
from tests.kv import vllm_sequence_kv

SHA = "0" * 40


@pytest.mark.parametrize(
    ("config", "key"),
    [
        (repos.LLAMA_3_1_8B, "llama-3.1-8b"),
        (repos.QWEN2_5_32B, "qwen2.5-32b"),
        (configs.MIXTRAL_8X7B, "mixtral-8x7b"),
        (configs.QWEN3_30B_A3B, "qwen3-30b-a3b"),
        (configs.DEEPSEEK_V3, "deepseek-v3"),
        (configs.GPT_OSS_20B, "gpt-oss-20b"),
        (configs.QWEN3_NEXT_80B, "qwen3-next-80b-a3b"),
        (configs.BGE_M3, "bge-m3"),
    ],
)
def test_a_config_json_reads_as_the_catalog_row_of_the_same_model(config, key):
    """The catalog's rows were read from these config.json files by hand; the Hub path reads
    them by code and must agree on the parameter count and on every attention layer."""
    catalog = MODELS_BY_KEY[key]
    model = model_from_config(config, "org/name", SHA, "bf16")
    assert model.params == catalog.param_groups().total
    assert model.attention_layers() == catalog.attention_layers()
    for context in (1000, 32_768):
        assert vllm_sequence_kv(model, context, 16) == vllm_sequence_kv(catalog, context, 16)


def test_a_vision_model_is_its_text_config():
    model = model_from_config(repos.GEMMA_3_4B, "org/name", SHA, "bf16")
    catalog = MODELS_BY_KEY["gemma-3-4b"]
    assert model.attention_layers() == catalog.attention_layers()
    assert model.params == catalog.param_groups().total - catalog.vision_params


def test_llama_4_chunked_layers_come_from_no_rope_layers():
    model = model_from_config(configs.LLAMA_4_SCOUT, "org/name", SHA, "bf16")
    assert (model.attention_chunk, model.chunked_layers) == (8192, 36)
    # 12 global layers hold the whole context, 36 at most 8,192 tokens
    per_layer = 2 * 8 * 128 * 2
    assert vllm_sequence_kv(model, 65_536, 16) == per_layer * (12 * 65_536 + 36 * 8192)


@pytest.mark.parametrize(
    ("quantization_config", "precision", "kv_8bit"),
    [
        ({"quant_method": "awq", "bits": 4, "group_size": 128}, "awq", False),
        ({"quant_method": "gptq", "bits": 4, "group_size": 32}, "gptq-g32", False),
        ({"quant_method": "gptq", "bits": 8, "group_size": 128}, "gptq-8bit", False),
        ({"quant_method": "fp8", "fmt": "e4m3"}, "fp8", False),
        ({"quant_method": "mxfp4"}, "mxfp4", False),
        (
            {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "nf4"},
            "nf4",
            False,
        ),
        ({"quant_method": "bitsandbytes", "load_in_8bit": True}, "bnb-int8", False),
        (
            {"quant_method": "modelopt", "quant_algo": "NVFP4", "kv_cache_quant_algo": "FP8"},
            "nvfp4",
            True,
        ),
        (
            {
                "quant_method": "compressed-tensors",
                "format": "float-quantized",
                "config_groups": {
                    "group_0": {"weights": {"num_bits": 8, "type": "float", "strategy": "channel"}}
                },
                "kv_cache_scheme": {"num_bits": 8, "type": "float"},
            },
            "fp8",
            True,
        ),
        (
            {
                "quant_method": "compressed-tensors",
                "format": "nvfp4-pack-quantized",
                "config_groups": {},
            },
            "nvfp4",
            False,
        ),
    ],
)
def test_the_format_comes_from_quantization_config(quantization_config, precision, kv_8bit):
    found = config_format({"quantization_config": quantization_config})
    assert (found.precision, found.kv_8bit) == (precision, kv_8bit)
    nested = config_format({"text_config": {"quantization_config": quantization_config}})
    assert nested.precision == precision  # vision models may keep it under text_config


def test_no_quantization_config_is_the_dtype():
    assert config_format({"torch_dtype": "float16"}).precision == "fp16"
    assert config_format({"dtype": "bfloat16"}).precision == "bf16"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("UD-Q4_K_XL/Llama-4-Scout-UD-Q4_K_XL-00001-of-00002.gguf", "UD-Q4_K_XL"),
        ("gemma-3-1b-it-f16.gguf", "F16"),
        ("model-IQ2_XXS.gguf", "IQ2_XXS"),
        ("gpt-oss-20b-MXFP4.gguf", "MXFP4"),
        ("README.md", None),
    ],
)
def test_the_quant_label_of_a_gguf_file_name(name, label):
    assert gguf_quant_label(name) == label


def test_the_gguf_file_asked_for_and_its_shards():
    files = (
        RepoFile("Q8_0/m-Q8_0-00002-of-00002.gguf", 2),
        RepoFile("Q8_0/m-Q8_0-00001-of-00002.gguf", 1),
        RepoFile("m-Q4_K_M.gguf", 5),
        RepoFile("mmproj-m-F16.gguf", 9),
    )
    _, shards = choose_gguf(files, "org/m", "q8_0")
    assert [s.path for s in shards] == [
        "Q8_0/m-Q8_0-00001-of-00002.gguf",
        "Q8_0/m-Q8_0-00002-of-00002.gguf",
    ]
    assert choose_gguf(files, "org/m", None)[1] == (files[2],)
    with pytest.raises(QueryError, match="has no f16 file; it has Q4_K_M, Q8_0"):
        choose_gguf(files, "org/m", "f16")


def test_a_gguf_header_is_read_up_to_the_tokenizer_and_asks_for_more_when_cut():
    raw = gguf_header(repos.LLAMA_GGUF_METADATA, vocab=5000)
    header = read_gguf_header(raw[:4096])
    assert header.metadata["llama.attention.head_count_kv"] == 8
    assert not header.complete  # stopped at tokenizer.*: the vocabulary is not needed
    with pytest.raises(NeedMoreBytes):
        read_gguf_header(raw[:200])
    with pytest.raises(NotGguf):
        read_gguf_header(b"PK\x03\x04" + raw[4:])
    model = model_from_gguf(header.metadata, "org/m", SHA, "fp16", 8_030_261_248)
    assert model.attention_layers() == MODELS_BY_KEY["llama-3.1-8b"].attention_layers()


def test_gguf_per_layer_kv_heads_and_gemma_sliding_pattern():
    metadata = {
        "general.architecture": "gemma3",
        "gemma3.block_count": 34,
        "gemma3.embedding_length": 2560,
        "gemma3.attention.head_count": 8,
        "gemma3.attention.head_count_kv": [4] * 34,
        "gemma3.attention.key_length": 256,
        "gemma3.attention.sliding_window": 1024,
        "gemma3.context_length": 131072,
    }
    model = model_from_gguf(metadata, "org/m", SHA, "fp16", 4_300_079_472)
    # llama.cpp: layer i slides iff i % 6 < 5 -> 29 of 34, as transformers' pattern
    assert model.attention_layers() == MODELS_BY_KEY["gemma-3-4b"].attention_layers()


@pytest.mark.parametrize(
    ("text", "repo_id", "revision", "file"),
    [
        (
            "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ on 2x h100",
            "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ",
            None,
            None,
        ),
        ("acme/model@refs/pr/3 ctx=8k", "acme/model", "refs/pr/3", None),
        ("https://huggingface.co/org/name/tree/v2.0", "org/name", "v2.0", None),
        (
            "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
            "bartowski/Llama-3.2-1B-Instruct-GGUF",
            None,
            "Q4_K_M",
        ),
        ("https://hf.co/org/m/blob/main/sub/m-Q2_K.gguf?", "org/m", None, "sub/m-Q2_K.gguf"),
        ("does openai/whisper@main fit?", "openai/whisper", None, None),
    ],
)
def test_repository_references_as_people_write_them(text, repo_id, revision, file):
    ref = find_repo_ref(text)
    assert (ref.repo_id, ref.revision, ref.file) == (repo_id, revision, file)


@pytest.mark.parametrize(
    "text",
    ["70B fp16 on h100/h200", "tp/pp 2", "fp16/bf16", "32k/64k ctx", "ctx/users", "and/or", "70B"],
)
def test_slashes_that_are_not_repositories(text):
    assert find_repo_ref(text) is None


_PART = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9_.\-]{0,20}[A-Za-z0-9])?", fullmatch=True).filter(
    lambda part: ".." not in part and not part.endswith(".git")
)


@given(_PART, _PART, st.sampled_from(["", " q4_k_m", " ctx=8k users=4", "?"]))
def test_any_valid_repository_id_is_found_whole(org, name, rest):
    text = f"{org}-x/{name}{rest}"
    ref = find_repo_ref(text)
    assert ref is not None and ref.repo_id == f"{org}-x/{name}"
    assert text[ref.start : ref.end] == f"{org}-x/{name}"


@given(st.text(max_size=300))
def test_any_text_finds_a_repository_or_none_without_error(text):
    ref = find_repo_ref(text)
    if ref is not None:
        assert "/" in ref.repo_id and ref.repo_id.count("/") == 1
        assert 0 <= ref.start < ref.end <= len(text)


def test_a_sentence_transformers_repository_is_an_embedding_model_without_kv_cache():
    files = (RepoFile("model.safetensors", 2_000), RepoFile("modules.json", 300))
    facts = HubFacts("org/embed", SHA, files, config=repos.LLAMA_3_2_1B, parameters={"BF16": 1000})
    found = hub_model(facts, None, None, None)
    assert found.model.is_embedding
    assert vllm_sequence_kv(found.model, 8192, 16) == 0
    assert found.source.weights_bytes == 2_000
