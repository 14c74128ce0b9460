"""The App Home tab: what vram does, examples that run, the cards it knows, how it counts.

Every figure comes from the core: the card capacities from the GPU catalog, the worked
example from a real Estimate's parts. An example's button is a what-if button (same value,
same listener): clicked in Home, its answer is shown at the top of the tab.
"""

import json

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.render.mrkdwn import SECTION_TEXT_MAX, code, escape, pack_lines
from bot.render.serialise import as_dict
from bot.render.what_if_blocks import WHAT_IF_ACTION_PREFIX
from estimator import estimate
from estimator.gpus import ALL_GPUS
from estimator.units import format_gb, format_gib

HOME_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("70B fp16", "a 70-billion-parameter model in 16-bit"),
    ("llama-3.1-70b int4 32k ctx 20 users on 2x h100", "does the on-call setup fit?"),
    ("qwen3-30b-a3b q4_k_m", "a mixture of experts, GGUF"),
    ("max ctx llama-3.1-8b on 1x l4", "the longest context a card holds"),
)
WORKED_EXAMPLE = "llama-3.1-8b ctx=8k users=4"
MAX_HOME_BLOCKS = 100  # Slack's limit for a Home tab view
SOURCES = (
    "KV cache: vLLM's own page arithmetic "
    "(<https://github.com/vllm-project/vllm/blob/main/vllm/v1/kv_cache_interface.py|kv_cache_interface.py>)",
    "Headroom: vLLM's `--gpu-memory-utilization` default "
    "(<https://github.com/vllm-project/vllm/blob/main/vllm/config/cache.py|config/cache.py>)",
    "Card memory: CUDA-visible bytes from public deviceQuery / nvidia-smi logs "
    "(`estimator/data/gpus.toml`, each card with its source)",
    "Formats: bits per weight, GGUF mixes as measured whole-file sizes "
    "(`estimator/data/precisions.toml`)",
)


def home_view(tried: list[dict] | None = None) -> dict:
    """The Home tab; `tried`: the blocks of an answer asked from it, shown first."""
    blocks: list[Block | dict] = [
        HeaderBlock(text="vram: GPU memory to serve an LLM"),
        _section(
            "How much GPU memory does it take to serve this model, and how many cards? "
            "Ask `/vram 70B fp16` in any channel, mention `@vram` in a deployment thread "
            "(then `@vram same with int4` asks again with one change), or message me here. "
            "A bare `/vram` opens a form."
        ),
    ]
    if tried:
        blocks += [DividerBlock(), *tried[: MAX_HOME_BLOCKS - 40], DividerBlock()]
    blocks.append(_section("*Try one* (the answer appears at the top of this tab):"))
    for index, (query, meaning) in enumerate(HOME_EXAMPLES):
        button = ButtonElement(
            text="Run",
            action_id=f"{WHAT_IF_ACTION_PREFIX}{index}",
            value=json.dumps({"q": query, "i": "/vram"}),
        )
        blocks.append(
            SectionBlock(
                block_id=f"home_example_{index}",
                text=MarkdownTextObject(text=f"{code('/vram ' + query)}  {escape(meaning)}"),
                accessory=button,
            )
        )
    blocks += [
        HeaderBlock(text="Cards"),
        *(_section(table) for table in _card_tables()),
        _context(
            [
                "Memory as CUDA sees it (what vLLM can use), not the marketing figure. "
                "GB = 10⁹ bytes, GiB = 2³⁰ bytes. “estimated”: not yet seen in a public log."
            ]
        ),
    ]
    blocks += [HeaderBlock(text="How the numbers are made"), *_worked_example()]
    blocks.append(_context(list(SOURCES)))
    return as_dict(View(type="home", blocks=blocks[:MAX_HOME_BLOCKS]))


def _card_tables() -> list[str]:
    """The catalog as code blocks, as many as Slack's 3,000 characters a section need."""
    width = max(len(gpu.name) for gpu in ALL_GPUS)
    rows = [
        f"{gpu.name:<{width}} {format_gib(gpu.memory_bytes):>10}  {format_gb(gpu.memory_bytes):>9}"
        f"  {'' if gpu.verified else 'estimated'}".rstrip()
        for gpu in ALL_GPUS
    ]
    fences = len("``````")
    return ["```" + chunk + "```" for chunk in pack_lines(rows, SECTION_TEXT_MAX - fences)]


def _worked_example() -> list[Block]:
    answer = estimate(WORKED_EXAMPLE)
    lines = [
        f"• *{escape(part.name)}*: {format_gib(part.bytes)} ({format_gb(part.bytes)}) = "
        f"{escape(part.sentence)}"
        for part in answer.parts
    ]
    plan = answer.gpus[0]
    return [
        _section(
            "Weights = parameters × bits per weight ÷ 8. KV cache = bytes per token (2 × layers "
            "× KV heads × head size × bytes per element) × context × users. Each card keeps a "
            "runtime reserve (vLLM: what its start-up profile takes, the sampler over "
            "--max-num-seqs × the vocabulary or the forward over the batched tokens, plus CUDA "
            "graphs), and vLLM uses only part of each card. For "
            f"{code(WORKED_EXAMPLE)}:\n" + "\n".join(lines) + f"\n• *total*: "
            f"{format_gib(answer.total_bytes)} ({format_gb(answer.total_bytes)}): "
            f"{plan.min_count} × {escape(plan.gpu.name)}"
        ),
    ]


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _context(lines: list[str]) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=line) for line in lines])
