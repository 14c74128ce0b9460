"""TrainingSetup x GPU -> how many cards, and the sharding that makes it fit.

One GPU holds a whole replica ("none"). When one card cannot hold it, ZeRO-3 (or the stage the
question names) spreads the model states over the data-parallel group; activations, logits and
the reserve stay whole on every GPU, so past some count more cards no longer help.
"""

from dataclasses import dataclass

from estimator.gpus import Gpu
from estimator.training import TrainingParts, TrainingSetup
from estimator.training_data import MAX_GPUS
from estimator.training_options import Sharding

# Beyond one node, data-parallel groups come in whole nodes of this many GPUs.
GPUS_PER_NODE = 8


@dataclass(frozen=True)
class TrainingLayout:
    """`count` GPUs of one kind, sharded so; `parts` is what each of them holds."""

    gpu: Gpu
    count: int
    sharding: Sharding
    parts: TrainingParts

    @property
    def per_gpu_bytes(self) -> int:
        return self.parts.total

    @property
    def fits(self) -> bool:
        return self.per_gpu_bytes <= self.gpu.memory_bytes

    @property
    def total_bytes(self) -> int:
        return self.per_gpu_bytes * self.count


def layout(setup: TrainingSetup, gpu: Gpu, count: int, sharding: Sharding) -> TrainingLayout:
    return TrainingLayout(gpu, count, sharding, setup.per_gpu(sharding, count))


def fewest(setup: TrainingSetup, gpu: Gpu, sharding: Sharding | None) -> TrainingLayout | None:
    """The fewest cards of this kind that hold it: one GPU unsharded if it fits, else the
    smallest group under `sharding` (ZeRO-3 when none is named); None when no group up to
    MAX_GPUS does (the unsharded parts alone are too large for the card)."""
    if sharding in (None, "none"):
        single = layout(setup, gpu, 1, "none")
        if single.fits or sharding == "none":
            return single if single.fits else None
        sharding = "zero3"
    if not layout(setup, gpu, MAX_GPUS, sharding).fits:
        return None
    low, high = 1, MAX_GPUS  # per-GPU bytes never grow with the count: bisect
    while low < high:
        middle = (low + high) // 2
        if layout(setup, gpu, middle, sharding).fits:
            high = middle
        else:
            low = middle + 1
    return layout(setup, gpu, low, sharding)


def recommended_count(count: int) -> int:
    """Within a node any count; beyond it, whole nodes."""
    if count <= GPUS_PER_NODE:
        return count
    return -(-count // GPUS_PER_NODE) * GPUS_PER_NODE


def on_requested(
    setup: TrainingSetup, gpu: Gpu, count: int, sharding: Sharding | None
) -> TrainingLayout:
    """The layout on the cards the question names: unsharded on one GPU, or when one card holds
    a replica (plain data parallel); ZeRO-3 over several otherwise, unless a stage is named."""
    if sharding is None:
        single_holds = count == 1 or layout(setup, gpu, 1, "none").fits
        sharding = "none" if single_holds else "zero3"
    return layout(setup, gpu, count, sharding)
