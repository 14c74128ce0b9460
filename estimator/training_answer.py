"""A training question -> Estimate: the per-GPU parts of one layout (the cards asked about, or
the fewest of the first card listed), the fewest cards of each kind, the launch line.

The Estimate is the one serving answers use, so every renderer shows training the same way:
the breakdown is `parts`, each card's words are its plan's `recommendation` and `verdict`.
"""

from dataclasses import dataclass, replace

from estimator import training_words as words
from estimator.estimate import Estimate, GpuPlan
from estimator.gpus import ALL_GPUS, Gpu, find_gpu
from estimator.memory import allowance_bytes, weights_bytes
from estimator.models import Model
from estimator.query import GpuRequest, Query
from estimator.training import TrainingSetup
from estimator.training_data import DEFAULT_CARDS
from estimator.training_launch import launch_command
from estimator.training_options import Sharding, TrainingOptions
from estimator.training_plan import TrainingLayout, fewest, layout, on_requested, recommended_count
from estimator.training_setup import resolve

_DEFAULT_GPUS = tuple(find_gpu(name) for name in DEFAULT_CARDS)
# The JSON's `training.parts` keys, in the order of the breakdown.
PART_KEYS = ("weights", "gradients", "optimizer", "activations", "logits", "reserve")


@dataclass(frozen=True)
class TrainingAnswer:
    """The training figures of an Estimate: the setup, and the layout its parts describe."""

    setup: TrainingSetup
    layout: TrainingLayout

    @property
    def parts_by_key(self) -> dict[str, int]:
        held = self.layout.parts
        return {key: getattr(held, key) for key in PART_KEYS}


def _requests(gpus: tuple[GpuRequest, ...], compare_all: bool) -> tuple[GpuRequest, ...]:
    if compare_all:
        named = {request.gpu.name: request for request in gpus}
        return tuple(named.get(gpu.name, GpuRequest(gpu)) for gpu in ALL_GPUS)
    return gpus or tuple(GpuRequest(gpu) for gpu in _DEFAULT_GPUS)


def _fixed_bytes(setup: TrainingSetup, gpu: Gpu) -> int:
    """What no sharding divides: activations, logits and the reserve of one GPU."""
    held = layout(setup, gpu, 1, "none").parts
    return held.activations + held.logits + held.reserve


def _plan(
    setup: TrainingSetup, model: Model | None, request: GpuRequest, sharding: Sharding | None
) -> tuple[GpuPlan, TrainingLayout]:
    """The card's plan, and the layout that stands for it (asked, fewest, or one GPU)."""
    gpu = request.gpu
    least = fewest(setup, gpu, sharding)
    asked = on_requested(setup, gpu, request.count, sharding) if request.count else None
    shown = asked or least or layout(setup, gpu, 1, sharding or "none")
    # The line to start from: on the cards asked if they hold it, else on whole nodes of the
    # fewest that do.
    runs = asked if asked and asked.fits else least
    if runs is least and least and recommended_count(least.count) != least.count:
        runs = layout(setup, gpu, recommended_count(least.count), least.sharding)
    command = launch_command(setup, model, runs.count, runs.sharding) if runs else None
    plan = GpuPlan(
        gpu=gpu,
        min_count=least.count if least else 0,
        recommended_count=recommended_count(least.count) if least else None,
        tensor_parallel=None,
        pipeline_parallel=None,
        per_gpu_bytes=shown.per_gpu_bytes,
        usable_bytes_per_gpu=gpu.memory_bytes,
        requested_count=request.count,
        fits_requested=asked.fits if asked else None,
        serve_command=command,
        recommendation=words.recommendation(least, runs, _fixed_bytes(setup, gpu)),
        verdict=words.verdict(asked, least) if asked else None,
    )
    return plan, shown


def estimate_training(query: Query, options: TrainingOptions) -> Estimate:
    """The training answer to `query` (its model or size, format, cards) with `options`."""
    model = query.model
    resolved = resolve(
        options,
        query.params,
        model,
        query.precision,
        query.precision_given,
        query.workload.context_tokens,
    )
    setup = resolved.setup
    requests = _requests(query.gpus, query.compare_all)
    plans, layouts = zip(
        *(_plan(setup, model, request, options.sharding) for request in requests), strict=True
    )
    headline = layouts[0]
    asked = [
        f"on {request.count} × {request.gpu.name}" if request.count else f"on {request.gpu.name}"
        for request in query.gpus
    ]
    stand_in = resolved.stand_in.display_name if resolved.stand_in else None
    summary = words.summary(headline)
    if not setup.gradient_checkpointing:
        summary += words.checkpointing_hint(
            fewest(setup, headline.gpu, options.sharding),
            fewest(replace(setup, gradient_checkpointing=True), headline.gpu, options.sharding),
        )
    rule_weights = weights_bytes(query.params, query.precision, None)
    return Estimate(
        query=query,
        understood=words.understood(setup, model.display_name if model else None, asked),
        weights_bytes=headline.parts.weights,
        kv_bytes_per_token=None,
        kv_cache_bytes=0,
        overhead_bytes=headline.parts.reserve,
        total_bytes=headline.total_bytes,
        rule_of_thumb_bytes=rule_weights + allowance_bytes(rule_weights),
        gpus=tuple(plans),
        assumptions=words.assumptions(setup, resolved.defaults, stand_in),
        parts=words.parts(setup, headline),
        training=TrainingAnswer(setup, headline),
        summary=summary,
        recommended_by="DeepSpeed/FSDP",
        command_label="Train",
        parts_total_label="per GPU",
    )
