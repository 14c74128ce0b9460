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
