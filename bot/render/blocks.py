"""Estimate -> Block Kit (slack_sdk.models.blocks) and the plain `text` fallback.

The wording of the breakdown, the layouts and the verdicts comes from the Estimate itself
(estimator.describe), so that Slack and the terminal say the same thing.
"""

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.render.bars import LEGEND, card_bar
from bot.render.mrkdwn import (
    CONTEXT_ELEMENTS_MAX,
    FIELD_TEXT_MAX,
    HEADER_TEXT_MAX,
    MAX_BLOCKS,
    SECTION_TEXT_MAX,
    code,
    escape,
    pack_lines,
    truncate,
)
from bot.render.serialise import as_dict
from estimator.estimate import Estimate, GpuPlan, Part
from estimator.units import format_bytes, format_gb, format_gib


def total_label(estimate: Estimate) -> str:
    return total_label_of(estimate.total_bytes)


def total_label_of(n_bytes: int) -> str:
    return f"{format_gib(n_bytes)} ({format_gb(n_bytes)})"


def answer_text(estimate: Estimate) -> str:
    """The notification / screen-reader fallback: verdict, total and card counts, one line."""
    cards = ", ".join(f"{plan.min_count} × {plan.gpu.name}" for plan in estimate.gpus[:4])
    text = f"{estimate.query.text}: {total_label(estimate)} of GPU memory"
    text += f"; at least {cards}" if cards else ""
    return escape(" ".join([*estimate.verdicts, text]))


def answer_blocks(
    estimate: Estimate, *, echo: str | None = None, actions: Sequence[Block] = ()
) -> list[dict]:
    """`echo`: a mrkdwn line naming who asked what, shown first (answers posted in channel).
    `actions`: blocks of buttons, shown after the cards, before the fine print."""
    blocks: list[Block] = []
    if echo:
        blocks.append(_context([echo]))
    blocks.append(
        HeaderBlock(text=truncate(f"GPU memory: {total_label(estimate)}", HEADER_TEXT_MAX))
    )
    # The verdict first: at 3 a.m. "does it fit?" is the question.
    blocks.extend(_sections([f"*{escape(line)}*" for line in estimate.verdicts]))
    blocks.append(_section(f"*Understood:* {escape(estimate.understood)}"))
    blocks.append(SectionBlock(fields=[_field(part) for part in estimate.parts]))
    blocks.append(DividerBlock())
    card_lines = [_card_line(plan, estimate.recommended_by) for plan in estimate.gpus]
    bars = [card_bar(plan) for plan in estimate.gpus]  # one card of each, at a glance
    if any(bars):
        card_lines = [
            f"{line}\n   {bar}" if bar else line for line, bar in zip(card_lines, bars, strict=True)
        ]
        card_lines.append(f"_{LEGEND}_")
    blocks.extend(_sections(["*Cards*", *card_lines]))
    if estimate.side_by_side:
        rows = [
            f"• *{escape(row.precision)}*: {total_label_of(row.total_bytes)} · "
            + escape(" · ".join(row.cards))
            for row in estimate.side_by_side
        ]
        blocks.extend(_sections(["*Side by side*", *rows]))
    serving = next((plan for plan in estimate.gpus if plan.serve_command), None)
    if serving:
        command = truncate(serving.serve_command, SECTION_TEXT_MAX - 40)
        label = f"{estimate.command_label} on {serving.gpu.name}"
        blocks.append(_section(f"{escape(label)}:\n```{escape(command)}```"))
    blocks.extend(actions)
    if estimate.assumptions:
        blocks.append(_context([escape(note) for note in estimate.assumptions]))
    return _fit(blocks)


def _card_line(plan: GpuPlan, recommended_by: str) -> str:
    line = (
        f"• *{plan.min_count} × {escape(plan.gpu.name)}* at least · "
        f"{escape(recommended_by)}: {escape(plan.recommendation)} · "
        f"{format_gib(plan.gpu.memory_bytes)} each"
    )
    return line + (f"\n   {escape(plan.min_count_reason)}" if plan.min_count_reason else "")


def _field(part: Part) -> MarkdownTextObject:
    sizes = f"{format_bytes(part.bytes)} ({format_bytes(part.bytes, binary=False)})"
    name = part.name[:1].upper() + part.name[1:]
    return MarkdownTextObject(
        text=truncate(f"*{escape(name)}*: {sizes}\n{escape(part.sentence)}", FIELD_TEXT_MAX)
    )


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_MAX)))


def _sections(lines: list[str]) -> list[SectionBlock]:
    return [_section(chunk) for chunk in pack_lines(lines)] if lines else []


def _context(lines: list[str]) -> ContextBlock:
    """One line each, packed into at most 10 elements (Slack sets them side by side)."""
    chunks = pack_lines(lines, SECTION_TEXT_MAX)
    if len(chunks) > CONTEXT_ELEMENTS_MAX:
        kept = CONTEXT_ELEMENTS_MAX - 1
        chunks = [*chunks[:kept], f"… and {len(chunks) - kept} more notes, left out."]
    return ContextBlock(elements=[MarkdownTextObject(text=chunk) for chunk in chunks])


def _fit(blocks: list[Block]) -> list[dict]:
    """At most 50 blocks: past that, the middle gives way to a note; the closing context stays."""
    if len(blocks) > MAX_BLOCKS:
        left_out = len(blocks) - (MAX_BLOCKS - 2)
        note = _context([f"… {left_out} more blocks left out."])
        blocks = [*blocks[: MAX_BLOCKS - 2], note, blocks[-1]]
    return as_dict(blocks)


def help_blocks(invocation: str, examples: tuple[tuple[str, str], ...]) -> list[dict]:
    ask = f"{invocation} " if invocation else ""
    lines = [f"• {code(ask + query)}  {escape(meaning)}" for query, meaning in examples]
    blocks: list[Block] = [
        _section(
            "*How much GPU memory does it take to serve this LLM, and how many cards?*\n"
            "Give a size or a model, and optionally a precision, a context, users and cards:"
        ),
        *_sections(lines),
        _context(
            [
                "Add `private` (or `-p`) to keep an answer to yourself. "
                "Mention @vram in a thread to answer there, or send me a direct message.",
                "GB = 10⁹ bytes, GiB = 2³⁰ bytes.",
            ]
        ),
    ]
    return _fit(blocks)


def help_text(invocation: str, examples: tuple[tuple[str, str], ...]) -> str:
    ask = f"{invocation} " if invocation else ""
    return escape("Ask for example: " + "; ".join(ask + query for query, _ in examples[:3]))


def problem_blocks(message: str, example: str, invocation: str, suggestions=()) -> list[dict]:
    """A friendly error: what was not understood, and a question that works."""
    ask = f"{invocation} " if invocation else ""
    blocks: list[Block] = [_section(f":thinking_face: {escape(message)}")]
    if suggestions:
        blocks.append(_section("Did you mean " + ", ".join(map(code, suggestions[:10])) + "?"))
    blocks.append(_section(f"Try for example: {code(ask + example)}"))
    blocks.append(_context([f"{code(ask + 'help')} shows what I understand."]))
    return _fit(blocks)


def problem_text(message: str, example: str, invocation: str) -> str:
    ask = f"{invocation} " if invocation else ""
    return escape(f"{message} Try for example: {ask}{example}")
