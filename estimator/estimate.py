"""The answer: every number the renderers show, and the assumptions behind them.

Renderers (CLI text, JSON, Slack blocks) only format an Estimate; they never compute.
All sizes are exact integers of bytes.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from estimator.engine import VLLM, Engine
from estimator.gpus import Gpu
from estimator.query import Query

if TYPE_CHECKING:
    from estimator.training_answer import TrainingAnswer


@dataclass(frozen=True)
class Part:
    """One row of the breakdown: what it is, its bytes, and a sentence that explains the figure
    (the renderers print all three and decide nothing)."""

    name: str
    bytes: int
    sentence: str


@dataclass(frozen=True)
class GpuPlan:
    """How one card type serves the estimate.

    min_count: fewest cards whose memory holds the total (any count, no engine headroom).
    recommended_count: what a serving engine would accept (tensor parallel x pipeline parallel)
    with its headroom; None when no count up to the largest plan fits.
    """

    gpu: Gpu
    min_count: int
    recommended_count: int | None
    tensor_parallel: int | None
    pipeline_parallel: int | None
    per_gpu_bytes: int | None
    usable_bytes_per_gpu: int
    requested_count: int | None = None
    fits_requested: bool | None = None
    serve_command: str | None = None
    accepted_counts: tuple[int, ...] = ()
    # When the requested cards are too few: how many sequences of the context they do hold.
    requested_max_sequences: int | None = None
    # The words of the plan, from the core: "4 (TP 4)" or why nothing fits; the yes/no for the
    # cards asked about; why the minimum is more than the total over one card's memory.
    recommendation: str = ""
    verdict: str | None = None
    min_count_reason: str | None = None
    # One card of the recommended layout, part by part (weights, KV cache, the engine's
    # reserve), then its free room within the engine's share of the card and what the engine
    # keeps back: they add up to the card's memory (the bars in the answers draw them).
    card_parts: tuple[Part, ...] = ()
    # What the engine keeps per GPU besides weights and KV cache (None: the 20 % rule).
    reserve_bytes_per_gpu: int | None = None
    # llama.cpp / Ollama: -ngl, of total_layers (the repeating layers + the output layer), and
    # what stays in system RAM when the cards cannot hold every layer.
    gpu_layers: int | None = None
    total_layers: int | None = None
    system_ram_bytes: int | None = None
    # SGLang: data-parallel attention (--dp N --enable-dp-attention)
    dp_attention: bool = False


@dataclass(frozen=True)
class Inverse:
    """The answer to 'max ctx on 2x h100' / 'max users at 8k on 1x h100'."""

    solve_for: str
    gpu: Gpu
    gpu_count: int
    value: int


@dataclass(frozen=True)
class FormatRow:
    """One weight format of "fp8 vs fp16": its total and, per card, the fewest and the layout."""

    precision: str
    total_bytes: int
    cards: tuple[str, ...]  # "H100-80GB: min 1, vLLM 2 (TP 2)"


@dataclass(frozen=True)
class Estimate:
    query: Query
    understood: str
    weights_bytes: int
    kv_bytes_per_token: int | None
    kv_cache_bytes: int
    overhead_bytes: int
    total_bytes: int
    rule_of_thumb_bytes: int
    gpus: tuple[GpuPlan, ...]
    assumptions: tuple[str, ...]
    parts: tuple[Part, ...] = ()
    context_tokens: int | None = None
    sequences: int = 1
    inverse: Inverse | None = None
    kv_cache_bytes_full_attention: int | None = None
    inverse_sentence: str | None = None
    side_by_side: tuple[FormatRow, ...] = ()
    # Training answers (estimator.training_answer): their figures, a headline sentence, and the
    # words the renderers put where serving answers say vLLM, "Serve" and "total".
    training: "TrainingAnswer | None" = None
    summary: str | None = None
    recommended_by: str = "vLLM"
    command_label: str = "Serve"
    parts_total_label: str = "total"

    @property
    def parts_total(self) -> int:
        """The sum of the breakdown: the total of a serving answer, the per-GPU peak of training."""
        return sum(part.bytes for part in self.parts)

    engine: Engine = VLLM  # the serving engine whose rules the plans follow

    @property
    def verdicts(self) -> tuple[str, ...]:
        """The headline of a training answer, the yes/no for 'does it fit on 2 H100?' and the
        answer to 'max ctx on …', if asked."""
        lines = [plan.verdict for plan in self.gpus if plan.verdict]
        extra = (self.inverse_sentence,) if self.inverse_sentence else ()
        return (*filter(None, [self.summary]), *lines, *extra)
