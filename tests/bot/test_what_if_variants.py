"""Every what-if variant asks a different question, and one the estimator answers."""

import pytest

from bot.what_if import query_as_text, variants
from estimator import estimate, parse

QUESTIONS = (
    "70B fp16",
    "llama-3.1-8b qlora on l4",
    "llama-3.1-70b fp8 vs fp16",
    "max users at 8k on 1x l4 llama-3.1-8b",
    "llama-3.1-8b q4_k_m with ollama",
    "qwen3-30b-a3b q4_k_m compare",
    "deepseek-v3",
    "llama-3.1-8b on 24 GB",
    "mixtral 8x7b awq on 2x l40s",
)


@pytest.mark.parametrize("question", QUESTIONS)
def test_each_variant_is_a_new_question_that_is_answered(question):
    query = parse(question)
    asked = query_as_text(query)
    found = variants(query)
    assert "card" in {variant.dimension for variant in found}
    for variant in found:
        assert variant.text != asked, variant
        assert query_as_text(parse(variant.text)) == variant.text  # it asks what it says
        assert estimate(variant.text).total_bytes > 0


def test_a_format_button_leaves_a_comparison_of_formats():
    [int4] = [v for v in variants(parse("llama-3.1-70b fp8 vs fp16")) if v.label == "int4"]
    assert estimate(int4.text).query.precision.name == "int4"
    assert estimate(int4.text).query.compare_precisions == ()
