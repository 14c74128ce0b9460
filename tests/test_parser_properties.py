"""Any text gets an answer or a clear QueryError, never another exception (speed: bench/)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator import QueryError, estimate

WORDS = st.sampled_from(
    [
        "70B",
        "7.5b",
        "1.5T",
        "350M",
        "700亿",
        "7e10",
        "70,000",
        "fp16",
        "bf16",
        "int4",
        "4-bit",
        "q4_k_m",
        "gptq",
        "awq",
        "mxfp4",
        "Q=16",
        "2",
        "bytes",
        "on",
        "2x",
        "h100",
        "a100",
        "4×L40S",
        "ctx=32k",
        "32k",
        "context",
        "users=20",
        "20",
        "users",
        "kv=fp8",
        "max",
        "ctx",
        "max",
        "users",
        "at",
        "8k",
        "compare",
        "llama-3.1-70b",
        "mixtral-8x7b",
        "deepseek-v3",
        "gpt-oss-120b",
        "-5B",
        "0B",
        "1e400B",
        "NaN",
        "inf",
        "**",
        "^",
        "(",
        ")",
        ",",
        ".",
        "?",
        "😀",
        "\x00",
        "\u202e",
        # prose, Chinese, cards as people name them, comparisons, training, engines, repos
        "can",
        "we",
        "thanks",
        "two",
        "a single",
        "a pair of",
        "4090",
        "3090s",
        "a6000",
        "24GB",
        "16 gigs of vram",
        "how many nodes",
        "vs",
        "or",
        "which card",
        "64k",
        "1M",
        "batch of",
        "mixtrall",
        "lamma",
        "qwen2,5",
        "llama",
        "qwen",
        "codestral-9000",
        "deepseek-r1:32b",
        "的模型用",
        "需要多少显存",
        "单卡",
        "几张",
        "两张",
        "最大上下文",
        "并发",
        "微调",
        "lora",
        "qlora",
        "rank=16",
        "zero3",
        "gc",
        "optim=adamw",
        "engine=sglang",
        "with llama.cpp",
        "org/some-model@main",
        "hf.co/org/x",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=600),
    st.lists(WORDS, max_size=12).map(" ".join),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=10).map(" ".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_any_text_gets_an_answer_or_a_clear_error(text):
    try:
        answer = estimate(text)
    except QueryError as error:
        assert error.message and error.example
    else:
        assert answer.total_bytes > 0
        assert answer.gpus
        assert isinstance(answer.query.ignored_words, tuple)
