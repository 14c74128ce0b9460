"""Repositories nobody listed, sized from the Hub: the real huggingface_hub client against the
stand-in on 127.0.0.1 (tests/hub/standin.py), every case of issue 8 §3."""

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from estimator import QueryError
from estimator.render_json import to_json_dict
from hub import lookup
from hub.answer import estimate_text, repo_in_question
from tests.hub import repos
from tests.hub.standin import StandInRepo, closed_port_url

LLAMA_3_2_1B_PARAMS = 1_235_814_400  # meta-llama/Llama-3.2-1B: the Hub's safetensors count
QWEN2_5_32B_PARAMS = 32_763_876_352  # Qwen/Qwen2.5-32B: the Hub's safetensors count


def dense_repo(hub, repo_id="acme/tiny-llama", shards=1) -> StandInRepo:
    tensors = repos.decoder_tensors(repos.LLAMA_3_2_1B)
    repo = repos.safetensors_repo(
        repo_id,
        repos.LLAMA_3_2_1B,
        tensors,
        shards,
        safetensors_parameters={"BF16": LLAMA_3_2_1B_PARAMS},
    )
    return hub.add(repo)


def test_a_safetensors_repo_is_sized_from_its_file(hub):
    repo = dense_repo(hub)
    answer = estimate_text("acme/tiny-llama ctx=8k")
    stored = repos.total_size(repo, ".safetensors")
    assert answer.weights_bytes == stored  # the file's exact size
    assert 0 < stored - 2 * LLAMA_3_2_1B_PARAMS < 50_000  # bf16 weights + a header of some KB
    assert answer.query.params == LLAMA_3_2_1B_PARAMS
    # Llama 3.2 1B: 16 layers × 2 × 8 KV heads × 64 × 2 bytes
    assert answer.kv_bytes_per_token == 16 * 2 * 8 * 64 * 2
    model = to_json_dict(answer)["model"]
    assert model["source"] == "hub" and model["hf_id"] == "acme/tiny-llama"
    assert model["revision"] == repo.sha
    assert any("bf16" in note and f"{stored:,} bytes" in note for note in answer.assumptions)


def test_sharded_weights_are_summed(hub):
    repo = dense_repo(hub, "acme/sharded-llama", shards=3)
    answer = estimate_text("acme/sharded-llama")
    shards = [path for path in repo.files if path.endswith(".safetensors")]
    assert len(shards) == 3
    assert answer.weights_bytes == sum(repo.files[path].length for path in shards)
    assert answer.query.hub.weight_files == tuple(sorted(shards))


@pytest.mark.parametrize(
    ("quant", "config", "label", "precision"),
    [
        ("awq", repos.AWQ, "AWQ 4-bit, groups of 128", "awq"),
        ("gptq", repos.GPTQ, "GPTQ 4-bit, groups of 128", "gptq"),
        ("fp8", repos.FP8_BLOCK, "FP8 e4m3, 128×128 blocks", "fp8-block"),
    ],
)
def test_quantized_checkpoints_are_their_stored_bytes(hub, quant, config, label, precision):
    cfg = {**repos.QWEN2_5_32B, "quantization_config": config}
    tensors = repos.decoder_tensors(cfg, quant, qkv_bias=True)
    repo = hub.add(repos.safetensors_repo(f"acme/qwen-32b-{quant}", cfg, tensors, shards=4))
    answer = estimate_text(f"acme/qwen-32b-{quant}")
    assert answer.weights_bytes == repos.total_size(repo, ".safetensors")
    assert answer.query.params == QWEN2_5_32B_PARAMS  # from the architecture, not packed counts
    assert answer.query.precision.name == precision
    assert answer.query.hub.format_label == label
    stored_bits = answer.weights_bytes * 8 / QWEN2_5_32B_PARAMS
    assert float(answer.query.precision.bits) == pytest.approx(stored_bits, abs=0.01)
    # Qwen2.5-32B: 64 layers × 2 × 8 KV heads × 128 × 2 bytes
    assert estimate_text(f"acme/qwen-32b-{quant} ctx=4k").kv_bytes_per_token == 262_144


def test_a_vision_model_takes_its_architecture_from_text_config(hub):
    tensors = repos.decoder_tensors(repos.GEMMA_3_4B)
    tensors["vision_tower.encoder.weight"] = ("BF16", [417_000_000])  # the SigLIP tower
    repo = hub.add(repos.safetensors_repo("acme/gemma-vl", repos.GEMMA_3_4B, tensors))
    answer = estimate_text("acme/gemma-vl ctx=32k")
    model = answer.query.model
    assert (model.layers, model.kv_heads, model.head_dim) == (34, 4, 256)
    assert (model.sliding_window, model.sliding_layers) == (1024, 34 - 34 // 6)
    assert answer.weights_bytes == repos.total_size(repo, ".safetensors")
    assert any("vision tower is in the weights" in note for note in answer.assumptions)
    # 5 global layers hold 32k tokens, 29 sliding layers hold 1,024: vLLM's hybrid allocator
    per_layer = 2 * 4 * 256 * 2
    assert answer.kv_cache_bytes == per_layer * (5 * 32_768 + 29 * 1024)


def gguf_hub(hub) -> StandInRepo:
    files = {
        "Llama-3.1-8B-Instruct-Q4_K_M.gguf": 4_920_734_016,
        "Llama-3.1-8B-Instruct-Q2_K.gguf": 3_179_133_248,
        "Q8_0/Llama-3.1-8B-Instruct-Q8_0-00001-of-00002.gguf": 5_000_000_000,
        "Q8_0/Llama-3.1-8B-Instruct-Q8_0-00002-of-00002.gguf": 3_540_000_000,
        "mmproj-Llama-3.1-8B-F16.gguf": 600_000_000,
    }
    return hub.add(
        repos.gguf_repo("acme/Llama-8B-GGUF", files, repos.LLAMA_GGUF_METADATA, 8_030_261_248)
    )


def test_gguf_the_file_of_the_quant_asked_with_the_architecture_from_its_header(hub):
    gguf_hub(hub)
    answer = estimate_text("acme/Llama-8B-GGUF q2_k ctx=8k")
    assert answer.weights_bytes == 3_179_133_248
    assert answer.query.precision.name == "q2_k"
    assert answer.query.params == 8_030_261_248
    assert answer.kv_bytes_per_token == 32 * 2 * 8 * 128 * 2  # from llama.* header keys
    ranged = [r for r in hub.requests if "Range" in r.headers or "range" in r.headers]
    assert len(ranged) == 1  # one read of 64 KiB, never the file
    assert ranged[0].headers.get("range", ranged[0].headers.get("Range")) == "bytes=0-65535"


def test_gguf_shards_are_summed_and_mmproj_is_not_weights(hub):
    gguf_hub(hub)
    answer = estimate_text("acme/Llama-8B-GGUF q8_0")
    assert answer.weights_bytes == 5_000_000_000 + 3_540_000_000
    assert (
        "llama-server -m Llama-3.1-8B-Instruct-Q8_0-00001-of-00002.gguf"
        in answer.gpus[0].serve_command
    )
    assert len(answer.query.hub.weight_files) == 2
    default = estimate_text("acme/Llama-8B-GGUF")
    assert default.weights_bytes == 4_920_734_016  # Q4_K_M when no quant is asked
    assert "mmproj" not in " ".join(default.query.hub.weight_files)


def test_gguf_a_file_named_in_a_link_or_an_ollama_tag(hub):
    gguf_hub(hub)
    link = "https://huggingface.co/acme/Llama-8B-GGUF/blob/main/Llama-3.1-8B-Instruct-Q2_K.gguf"
    assert estimate_text(link).weights_bytes == 3_179_133_248
    assert estimate_text("hf.co/acme/Llama-8B-GGUF:Q8_0").weights_bytes == 8_540_000_000


def test_gguf_unsloth_labels_and_f16_are_file_names_too(hub):
    repo = gguf_hub(hub)
    repo.files["UD-Q4_K_XL/Llama-3.1-8B-Instruct-UD-Q4_K_XL.gguf"] = repo.files.pop(
        "Llama-3.1-8B-Instruct-Q2_K.gguf"
    )
    repo.files["Llama-3.1-8B-Instruct-F16.gguf"] = repo.files["Llama-3.1-8B-Instruct-Q4_K_M.gguf"]
    answer = estimate_text("acme/Llama-8B-GGUF UD-Q4_K_XL")
    assert answer.query.hub.weight_files == ("UD-Q4_K_XL/Llama-3.1-8B-Instruct-UD-Q4_K_XL.gguf",)
    assert estimate_text("acme/Llama-8B-GGUF Q4_K_XL").weights_bytes == 3_179_133_248
    assert estimate_text("acme/Llama-8B-GGUF fp16").query.hub.weight_files == (
        "Llama-3.1-8B-Instruct-F16.gguf",
    )


def test_gguf_a_quant_that_is_not_there_names_those_that_are(hub):
    gguf_hub(hub)
    with pytest.raises(QueryError) as refused:
        estimate_text("acme/Llama-8B-GGUF q5_k_m")
    assert "has no q5_k_m file; it has Q2_K, Q4_K_M, Q8_0" in refused.value.message


def gated_repo(hub) -> StandInRepo:
    repo = dense_repo(hub, "acme/gated-llama")
    repo.gated = True
    return repo


def test_gated_without_a_token_answers_the_public_weights_and_says_how_to_get_more(hub):
    repo = gated_repo(hub)
    answer = estimate_text("acme/gated-llama")
    assert answer.weights_bytes == repos.total_size(repo, ".safetensors")
    assert answer.query.model is None and answer.query.params == LLAMA_3_2_1B_PARAMS
    assert any("HF_TOKEN" in note and "gated" in note for note in answer.assumptions)
    assert answer.understood.startswith("acme/gated-llama (1.24 B params)")


def test_gated_with_a_token_that_has_access_gives_the_full_answer(hub, hub_env):
    gated_repo(hub)
    hub.tokens["hf_test_token_with_access"] = {"acme/gated-llama"}
    hub_env.setenv("HF_TOKEN", "hf_test_token_with_access")
    answer = estimate_text("acme/gated-llama ctx=8k")
    assert answer.query.model is not None
    assert answer.kv_bytes_per_token == 16 * 2 * 8 * 64 * 2
    assert not any("HF_TOKEN" in note for note in answer.assumptions)


def test_gated_without_a_token_takes_the_architecture_of_a_catalog_base_model(hub):
    repo = gated_repo(hub)
    repo.base_model = "meta-llama/Llama-3.2-1B-Instruct"  # the catalog's llama-3.2-1b
    answer = estimate_text("acme/gated-llama ctx=8k")
    assert answer.weights_bytes == repos.total_size(repo, ".safetensors")
    assert answer.kv_bytes_per_token == 16 * 2 * 8 * 64 * 2
    assert any("Llama 3.2 1B from the catalog, the base model" in n for n in answer.assumptions)
    assert any(
        "HF_TOKEN with access would read its own config.json" in n for n in answer.assumptions
    )


def test_gated_quantized_repo_takes_its_format_from_the_public_config(hub):
    cfg = {**repos.QWEN2_5_32B, "quantization_config": repos.AWQ}
    tensors = repos.decoder_tensors(cfg, "awq", qkv_bias=True)
    counted = {"F16": QWEN2_5_32B_PARAMS}  # the Hub unpacks AWQ's int32 (huggingface.js #1770)
    repo = repos.safetensors_repo("acme/gated-awq", cfg, tensors, 2, gated=True)
    hub.add(repo).safetensors_parameters = counted
    answer = estimate_text("acme/gated-awq")
    assert answer.query.params == QWEN2_5_32B_PARAMS
    assert answer.query.hub.format_label == "AWQ 4-bit, groups of 128"
    assert answer.query.precision.name == "awq"
    assert any("the Hub's count" in note for note in answer.assumptions)


def refusal(text: str, **kwargs) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(QueryError) as refused:
        estimate_text(text, **kwargs)
    return refused.value.message, time.monotonic() - started


def test_a_missing_repository_is_said_so(hub):
    message, _ = refusal("acme/no-such-model")
    assert message.startswith("There is no Hugging Face repository acme/no-such-model")


def test_a_bad_revision_is_said_so(hub):
    dense_repo(hub)
    message, _ = refusal("acme/tiny-llama@v9")
    assert message == "acme/tiny-llama has no revision 'v9' on Hugging Face."


def test_a_named_revision_is_looked_up_and_shown(hub):
    repo = dense_repo(hub)
    repo.branches["v1.0"] = repo.sha
    answer = estimate_text("acme/tiny-llama@v1.0")
    assert answer.query.hub.revision == "v1.0" and answer.query.hub.sha == repo.sha
    assert any("/revision/v1.0" in r.path for r in hub.requests)


def test_the_hub_down_is_a_clear_message_at_once(hub_env):
    hub_env.setenv("HF_ENDPOINT", closed_port_url())
    message, elapsed = refusal("acme/tiny-llama")
    assert message.startswith("Hugging Face could not be reached")
    assert elapsed < 2


def test_a_slow_hub_is_cut_off_at_the_deadline(hub):
    dense_repo(hub)
    hub.delay_s = 5
    message, elapsed = refusal("acme/tiny-llama", deadline_s=1.0)
    assert message == "Hugging Face did not answer within 1 s; try again in a moment."
    assert 0.9 < elapsed < 2.0


def test_rate_limited_by_the_hub_says_so(hub):
    dense_repo(hub)
    hub.rate_limited = True
    message, elapsed = refusal("acme/tiny-llama")
    assert message == "Hugging Face answered 429 about acme/tiny-llama; try again in a moment."
    assert elapsed < 2  # no waiting for the window to reset


def test_two_questions_at_once_share_one_lookup(hub):
    dense_repo(hub)
    hub.delay_s = 0.3
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(estimate_text, ["acme/tiny-llama", "acme/tiny-llama ctx=8k"]))
    assert answers[0].weights_bytes == answers[1].weights_bytes
    assert sum(1 for r in hub.requests if r.path.startswith("/api/models/")) == 1


def test_the_second_question_costs_no_request(hub):
    dense_repo(hub)
    first = estimate_text("acme/tiny-llama")
    asked = len(hub.requests)
    assert asked == 2  # model_info (files, sizes) and config.json
    second = estimate_text("acme/tiny-llama ctx=32k users=4 on 2x h100")
    assert len(hub.requests) == asked
    assert second.weights_bytes == first.weights_bytes


def test_the_cache_outlives_the_process_by_commit(hub):
    dense_repo(hub)
    estimate_text("acme/tiny-llama")
    lookup.CACHE.clear_memory()  # as a new process would start
    asked = len(hub.requests)
    estimate_text("acme/tiny-llama")
    assert len(hub.requests) == asked


def test_offline_mode_answers_from_the_cache_and_says_when_it_cannot(hub, hub_env):
    dense_repo(hub)
    online = estimate_text("acme/tiny-llama")
    hub_env.setenv("HF_HUB_OFFLINE", "1")
    asked = len(hub.requests)
    assert estimate_text("acme/tiny-llama").weights_bytes == online.weights_bytes
    message, _ = refusal("acme/never-looked-up")
    assert message.startswith("HF_HUB_OFFLINE is set and acme/never-looked-up")
    assert len(hub.requests) == asked


def test_catalog_models_answer_instantly_with_the_hub_down(hub_env):
    hub_env.setenv("HF_ENDPOINT", closed_port_url())
    started = time.monotonic()
    for text in ("meta-llama/Llama-3.1-70B-Instruct int4", "llama-3.1-8b", "70B fp16"):
        assert repo_in_question(text) is None
        answer = estimate_text(text)
        assert to_json_dict(answer)["model"]["source"] in ("catalog", "size")
    assert time.monotonic() - started < 1


def test_the_rest_of_the_question_is_checked_before_any_request(hub):
    message, _ = refusal("acme/tiny-llama fp16 int4")
    assert message.startswith("You gave two precisions")
    assert hub.requests == []


def test_a_size_given_with_a_repository_gives_way_to_its_files(hub):
    dense_repo(hub)
    answer = estimate_text("acme/tiny-llama 70B")
    assert answer.query.params == LLAMA_3_2_1B_PARAMS
    assert any("The size given (70 B) is not used" in note for note in answer.assumptions)


def test_no_test_can_reach_beyond_localhost():
    with pytest.raises(OSError, match=r"127\.0\.0\.1 only"):
        socket.getaddrinfo("huggingface.co", 443)
    message, elapsed = refusal("acme/some-model")  # the Hub of tests/conftest.py: a closed port
    assert message.startswith("Hugging Face could not be reached") and elapsed < 2
