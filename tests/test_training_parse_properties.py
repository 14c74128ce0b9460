"""Property tests: training questions in any order of their options parse to what they say,
and any training option text gets an answer or a clear message, never a traceback."""

from hypothesis import given, settings
from hypothesis import strategies as st

from estimator import QueryError, estimate, parse

METHODS = {"full": "full", "fine-tune": "full", "sft": "full", "lora": "lora", "qlora": "qlora",
           "pretrain": "pretrain", "dpo": "dpo"}  # fmt: skip
MODELS = ("llama-3.1-8b", "mistral-7b", "qwen2.5-7b", "13B", "70B")


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(sorted(METHODS)),
    model=st.sampled_from(MODELS),
    batch=st.integers(1, 64),
    seq=st.sampled_from((512, 2048, 4096, 8192)),
    stage=st.sampled_from(("zero1", "zero2", "zero3", "fsdp")),
    order=st.randoms(use_true_random=False),
)
def test_options_in_any_order_mean_what_they_say(method, model, batch, seq, stage, order):
    words = [method, model, f"batch={batch}", f"seq={seq}", stage, "gc"]
    order.shuffle(words)
    query = parse(" ".join(words))
    options = query.training
    assert options.method == METHODS[method]
    assert (options.micro_batch, options.seq_len, options.sharding) == (batch, seq, stage)
    assert options.gradient_checkpointing is True
    answer = estimate(" ".join(words))
    setup = answer.training.setup
    assert (setup.micro_batch, setup.seq_len, setup.gradient_checkpointing) == (batch, seq, True)
    assert answer.parts_total == answer.training.layout.per_gpu_bytes


@settings(max_examples=120, deadline=None)
@given(
    method=st.sampled_from(sorted(METHODS)),
    option=st.sampled_from(("rank=", "batch=", "seq=", "targets=", "optim=", "zero", "r=")),
    value=st.text(alphabet="0123456789-+.,abcxyz_", max_size=8),
)
def test_any_option_value_is_answered_or_refused_clearly(method, option, value):
    try:
        answer = estimate(f"llama-3.1-8b {method} {option}{value}")
    except QueryError as error:
        assert error.message and error.example
    else:
        assert answer.parts_total > 0
