"""What people type in chat, understood (estimator.parse)."""

from fractions import Fraction

import pytest

from estimator import QueryError, parse

B = 10**9


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("70B", 70 * B),
        ("70b", 70 * B),
        ("7.5B", 7_500_000_000),
        ("1.5T", 1_500 * B),
        ("350M", 350_000_000),
        ("70 billion", 70 * B),
        ("70B params", 70 * B),
        ("70 b parameters", 70 * B),
        ("7e10", 70 * B),
        ("70,000,000,000", 70 * B),
        ("700亿", 70 * B),
        ("7000万", 70_000_000),
        ("1.5 trillion params", 1_500 * B),
        ("13bn", 13 * B),
        ("７０Ｂ", 70 * B),  # full-width, as some IMEs type it
    ],
)
def test_sizes(text, params):
    assert parse(text).params == params


@pytest.mark.parametrize(
    ("text", "name", "bits"),
    [
        ("70B fp32", "fp32", 32),
        ("70B float32", "fp32", 32),
        ("70B 32bit", "fp32", 32),
        ("70B 32-bit", "fp32", 32),
        ("70B 4 bytes", "fp32", 32),
        ("70B fp16", "fp16", 16),
        ("70B float16", "fp16", 16),
        ("70B half", "fp16", 16),
        ("70B 16bit", "fp16", 16),
        ("70B 16位", "fp16", 16),
        ("70B 2 bytes", "fp16", 16),
        ("70B FP16", "fp16", 16),
        ("70B bf16", "bf16", 16),
        ("70B fp8", "fp8", 8),
        ("70B int8", "int8", 8),
        ("70B 8bit", "int8", 8),
        ("70B int4", "int4", 4),
        ("70B 4bit", "int4", 4),
        ("70B 4-bit", "int4", 4),
        ("70B Q=16", "fp16", 16),
        ("Q=8 70B", "int8", 8),
        ("70B 6 bit", "6-bit", 6),
        ("70B Q4_K_M", "q4_k_m", Fraction("4.8944")),
        ("70B gguf q8_0", "q8_0", Fraction("8.5008")),
        ("70B gptq", "gptq", Fraction("4.156")),
        ("70B awq", "awq", Fraction("4.156")),
        ("70B nf4", "nf4", Fraction("4.127")),
        ("70B mxfp4", "mxfp4", Fraction("4.25")),
        ("70B nvfp4", "nvfp4", Fraction("4.5")),
        ("70B mxfp8", "mxfp8", Fraction("8.25")),
        ("70B fp8-block", "fp8-block", Fraction("8.001953125")),
        ("70B llm.int8", "bnb-int8", Fraction("8.01")),
        ("70B fp4", "bnb-fp4", Fraction("4.5")),
        ("70B gptq-g32", "gptq-g32", Fraction("4.625")),
        ("70B gptq 3bit", "gptq-3bit", Fraction("3.156")),
        ("70B IQ2_M", "iq2_m", Fraction("2.9294")),
        ("70B tq1_0", "tq1_0", Fraction("1.6875")),
    ],
)
def test_precisions(text, name, bits):
    precision = parse(text).precision
    assert (precision.name, precision.bits) == (name, bits)


def test_default_precision_is_16_bit_and_flagged():
    query = parse("70B")
    assert query.precision.name == "fp16"
    assert query.precision_given is False


def test_any_order_and_case():
    swapped, plain = parse("FP16 70B"), parse("70b fp16")
    assert (swapped.params, swapped.precision) == (plain.params, plain.precision)


@pytest.mark.parametrize(
    ("text", "gpus"),
    [
        ("70B on h100", [("H100-80GB", None)]),
        ("70B on 2x a100", [("A100-80GB", 2)]),
        ("70B on 4×L40S", [("L40S-48GB", 4)]),
        ("70B on 2 H100s", [("H100-80GB", 2)]),
        ("70B on 8 x a100-40gb", [("A100-40GB", 8)]),
        ("70B how many a100s", [("A100-80GB", None)]),
        ("70B on h100 and mi300x", [("H100-80GB", None), ("MI300X-192GB", None)]),
        ("70B on 2 rtx 4090", [("RTX-4090-24GB", 2)]),
        # the memory said beside a card is that card's, not a second card
        ("8B on rtx 3060 with 12GB", [("RTX-3060-12GB", None)]),
        ("8B on rtx 3060 (12 GB)", [("RTX-3060-12GB", None)]),
        ("8B on 2 a100 with 40gb", [("A100-40GB", 2)]),
        ("8B on a100 40gb", [("A100-40GB", None)]),
        ("8B on b200 192gb", [("B200-180GB", None)]),  # its physical size, in its spec
        ("8B on h100 with 32k context", [("H100-80GB", None)]),
    ],
)
def test_cards(text, gpus):
    assert [(r.gpu.name, r.count) for r in parse(text).gpus] == gpus


@pytest.mark.parametrize(
    ("text", "said"),
    [("8B on a 3060 16gb", "RTX-3060-12GB, a 12 GB card, not 16 GB"),
     ("8B on 2x 4090 with 48GB", "RTX-4090-24GB, a 24 GB card, not 48 GB")],
)  # fmt: skip
def test_a_card_said_with_another_memory_is_refused_not_misread(text, said):
    with pytest.raises(QueryError, match=said):
        parse(text)


@pytest.mark.parametrize(
    ("text", "context", "sequences", "kv"),
    [
        ("70B ctx=32k", 32_768, 1, None),
        ("70B ctx=16000", 16_000, 1, None),
        ("70B 32k context", 32_768, 1, None),
        ("70B 128k tokens", 131_072, 1, None),
        ("70B context length 8192", 8_192, 1, None),
        ("70B users=20", None, 20, None),
        ("70B 20 users", None, 20, None),
        ("70B batch=20", None, 20, None),
        ("70B 20 concurrent requests", None, 20, None),
        ("70B ctx=8k users=4 kv=fp8", 8_192, 4, "fp8"),
        ("70B ctx=8k kv cache q8_0", 8_192, 1, "q8_0"),
        ("70B --max-model-len 4096", 4_096, 1, None),
    ],
)
def test_workload(text, context, sequences, kv):
    workload = parse(text).workload
    assert workload.context_tokens == context
    assert workload.sequences == sequences
    assert (workload.kv_format.name if workload.kv_format else None) == kv


def test_on_call_question():
    query = parse("does 70B int4 with 32k context for 20 users fit on 2 H100?")
    assert query.params == 70 * B
    assert query.precision.name == "int4"
    assert query.workload.context_tokens == 32_768
    assert query.workload.sequences == 20
    assert [(r.gpu.name, r.count) for r in query.gpus] == [("H100-80GB", 2)]


@pytest.mark.parametrize(
    ("text", "solve"),
    [("llama-3.1-70b max ctx on 2x h100", "context"), ("70B max users at 8k on 1x h100", "users")],
)
def test_inverse_questions(text, solve):
    assert parse(text).solve_for == solve


def test_compare():
    assert parse("70B compare").compare_all
    assert parse("70B --all").compare_all


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "model size or name"),
        ("   ", "model size or name"),
        ("fp16", "model size"),
        ("banana", "'banana'"),
        ("-5B", "negative"),
        ("0B", "more than zero"),
        ("1e400B", "out of any sensible range"),
        ("1e308B", "out of any sensible range"),
        ("NaN", "'nan'"),
        ("inf B", "'inf'"),
        ("70,5B", "dot"),
        ("70B fp16 int4", "two precisions"),
        ("70B 8B", "two model sizes"),
        ("70", "what?"),
        ("32k", "ctx=32k"),
        ("9**9**9 B", "'9' what?"),
        ("😀", "'😀'"),
        ("x" * 4000, "4,000 characters"),
        ("1" * 1_000_000 + "B", "1,000,001 characters"),
        ("70B on 0x h100", "at least 1"),
        ("70B on 1.5 h100", "whole number"),
        ("70B ctx=0", "out of range"),
        ("70B " + "9" * 30 + " users", "too long"),
        ("llama-5-70b", "don't know the model"),
    ],
)
def test_bad_input_is_a_clear_error(text, fragment):
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert fragment in caught.value.message
    assert caught.value.example  # every error carries an example that works
    parse(caught.value.example)


def test_unknown_model_suggests_close_names():
    with pytest.raises(QueryError) as caught:
        parse("llama-3.1-7b fp16")
    assert caught.value.suggestions
    assert all(parse(name).model for name in caught.value.suggestions)
