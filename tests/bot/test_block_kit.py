"""Estimate -> Block Kit, on small hand-built Estimates: content, escaping, Slack's limits."""

from fractions import Fraction

from bot.render.blocks import answer_blocks, answer_text, help_blocks, problem_blocks
from bot.render.plain import blocks_as_text
from estimator.estimate import Estimate, GpuPlan, Inverse, Part
from estimator.gpus import Gpu
from estimator.precisions import Precision
from estimator.query import Query

GIB = 2**30
FP16 = Precision(name="fp16", bits=Fraction(16), scope="all", kv_bits=Fraction(16), source="test")
A100 = Gpu("A100-80GB", 80 * GIB, spec="test", source="test", verified=True)


def plan(gpu=A100, min_count=2, **changes) -> GpuPlan:
    fields = dict(
        gpu=gpu,
        min_count=min_count,
        recommended_count=min_count,
        tensor_parallel=min_count,
        pipeline_parallel=1,
        per_gpu_bytes=None,
        usable_bytes_per_gpu=70 * GIB,
        recommendation=f"{min_count} (TP {min_count})",
    )
    return GpuPlan(**{**fields, **changes})


def make_estimate(gpus=None, assumptions=("weights only, plus 20 %",), **changes) -> Estimate:
    query = Query(text="70B fp16", params=70 * 10**9, precision=FP16, precision_given=True)
    fields = dict(
        query=query,
        understood="70 B params · fp16 (16 bits)",
        weights_bytes=140 * 10**9,
        kv_bytes_per_token=None,
        kv_cache_bytes=0,
        overhead_bytes=28 * 10**9,
        total_bytes=168 * 10**9,
        rule_of_thumb_bytes=168 * 10**9,
        gpus=tuple(gpus or [plan()]),
        assumptions=tuple(assumptions),
        parts=(
            Part("weights", 140 * 10**9, "16 bits per weight"),
            Part("overhead", 28 * 10**9, "20 % allowance: activations, KV cache"),
        ),
    )
    return Estimate(**{**fields, **changes})


def texts(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [field["text"] for field in block.get("fields", [])]
        found += [element["text"] for element in block.get("elements", [])]
    return found


def test_header_total_in_gib_and_gb_then_understood_breakdown_cards_assumptions():
    blocks = answer_blocks(make_estimate())
    kinds = [block["type"] for block in blocks]
    assert kinds[0] == "header" and kinds[-1] == "context"
    assert blocks[0]["text"]["text"] == "GPU memory: 156.5 GiB (168.0 GB)"
    joined = "\n".join(texts(blocks))
    assert "*Understood:* 70 B params · fp16 (16 bits)" in joined
    assert "*Weights*: 130.4 GiB (140.0 GB)" in joined
    assert "*Overhead*: 26.1 GiB (28.0 GB)" in joined
    assert "*2 × A100-80GB*" in joined
    assert "weights only, plus 20 %" in joined


def test_fallback_text_names_the_total_and_the_cards():
    text = answer_text(make_estimate())
    assert text == "70B fp16: 156.5 GiB (168.0 GB) of GPU memory; at least 2 × A100-80GB"


def test_echo_comes_first():
    blocks = answer_blocks(make_estimate(), echo="<@U1> asked `/vram 70B fp16`")
    assert blocks[0] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "<@U1> asked `/vram 70B fp16`"}],
    }


def test_requested_cards_and_inverse_answers_are_shown():
    no = "No, it does not fit on 1 × A100-80GB; it takes 2."
    asked = plan(requested_count=1, fits_requested=False, accepted_counts=(1, 2, 4, 8), verdict=no)
    solved = Inverse(solve_for="context", gpu=A100, gpu_count=2, value=131072)
    estimate = make_estimate(
        gpus=[asked],
        inverse=solved,
        inverse_sentence="Max context on 2 × A100-80GB: 131,072 tokens",
    )
    joined = "\n".join(texts(answer_blocks(estimate)))
    assert "No, it does not fit on 1 × A100-80GB; it takes 2." in joined
    assert "Max context on 2 × A100-80GB: 131,072 tokens" in joined


def test_estimator_text_cannot_ping_anyone():
    blocks = answer_blocks(make_estimate(understood="<!channel> & <@U0BOSS>"))
    joined = "\n".join(texts(blocks))
    assert "<!channel>" not in joined and "<@U0BOSS>" not in joined
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in joined


def test_within_slack_limits_however_big_the_estimate():
    many_cards = [
        plan(Gpu(f"GPU-{i:03}-" + "X" * 60, 80 * GIB, "t", "t", True)) for i in range(2000)
    ]
    long_notes = [f"assumption {i}: " + "y" * 2500 for i in range(30)]
    blocks = answer_blocks(make_estimate(gpus=many_cards, assumptions=long_notes))
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    assert "more blocks left out" in blocks[-2]["elements"][0]["text"]
    assert blocks[-1]["elements"][0]["text"].startswith("assumption 0: ")


def test_help_and_problem_blocks_show_examples_for_the_surface():
    examples = (("70B fp16", "a 70 B model in 16-bit"),)
    assert "`/vram 70B fp16`" in "\n".join(texts(help_blocks("/vram", examples)))
    assert "`70B fp16`" in "\n".join(texts(help_blocks("", examples)))
    problem = problem_blocks("No size in 'llama'.", "70B fp16", "@vram", ("llama-3.1-8b",))
    joined = "\n".join(texts(problem))
    assert "No size in 'llama'." in joined
    assert "`@vram 70B fp16`" in joined and "`llama-3.1-8b`" in joined


def test_blocks_read_as_plain_text():
    text = blocks_as_text(answer_blocks(make_estimate(), echo="<@U1> asked `/vram 70B fp16`"))
    assert text.splitlines()[:3] == [
        "  @U1 asked `/vram 70B fp16`",
        "GPU memory: 156.5 GiB (168.0 GB)",
        "═" * len("GPU memory: 156.5 GiB (168.0 GB)"),
    ]
    assert "2 × A100-80GB" in text and "*" not in text.replace("× ", "")


def test_no_assumptions_no_empty_context():
    blocks = answer_blocks(make_estimate(assumptions=()))
    assert all(block.get("elements") != [] for block in blocks)


def test_the_verdict_comes_right_after_the_header_and_leads_the_fallback():
    no = "No, it does not fit on 2 × A100-80GB; it takes 4."
    asked = plan(
        requested_count=2, fits_requested=False, min_count=4, accepted_counts=(1, 2, 4), verdict=no
    )
    estimate = make_estimate(gpus=[asked])
    blocks = answer_blocks(estimate)
    assert blocks[0]["type"] == "header"
    assert blocks[1]["text"]["text"].startswith("*No, it does not fit on 2 × A100-80GB")
    assert answer_text(estimate).startswith("No, it does not fit on 2 × A100-80GB")
