"""Vision models in GGUF: llama.cpp's converter writes the text model to the model file and the
vision tower to its own mmproj file (F16 by default); an answer counts both. Text-file sizes
against published files are in tests/data/engine_cases.json "gguf_sizes" (test_engines.py)."""

import json
from pathlib import Path

import pytest

from estimator.compute import estimate_query
from estimator.gguf import gguf_size, supports
from estimator.model_names import find_model
from estimator.parse import parse

CASES = json.loads((Path(__file__).parent / "data" / "engine_cases.json").read_text())


@pytest.mark.parametrize("case", CASES["gguf_mmproj_sizes"], ids=lambda case: case["id"])
def test_the_mmproj_file_is_the_vision_tower_in_f16(case):
    size = gguf_size(find_model(case["model"]).model, "q4_k_m")
    published = case["size_gb"] * 10**9
    assert size.mmproj_bytes == pytest.approx(published, rel=case["tolerance_pct"] / 100)


def test_an_answer_counts_the_model_file_and_the_mmproj_file():
    gemma = find_model("gemma-3-27b").model
    size = gguf_size(gemma, "q4_k_m")
    answer = estimate_query(parse("gemma-3-27b q4_k_m ctx=8k"))
    assert answer.weights_bytes == size.total_bytes + size.mmproj_bytes
    assert size.mmproj_bytes == gemma.vision_params * 2
    [weights] = [part for part in answer.parts if part.name == "weights"]
    assert "mmproj" in weights.sentence


@pytest.mark.parametrize(
    ("key", "sized"),
    [
        ("gemma-3-27b", True),
        ("qwen2.5-vl-7b", True),
        ("pixtral-12b", True),
        ("llama-4-scout", True),
        ("llama-4-maverick", False),  # dense and MoE layers alternate
        ("llama-3.2-vision-11b", False),  # cross-attention layers
        ("gemma-3n-e4b", False),  # per-layer inputs
    ],
)
def test_which_vision_models_are_sized_tensor_by_tensor(key, sized):
    assert supports(find_model(key).model) is sized
