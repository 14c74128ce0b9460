"""What the user asked, once understood: the output of the parser, the input of the model."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from estimator.gpus import Gpu
from estimator.precisions import KvFormat, Precision

if TYPE_CHECKING:
    from estimator.hub_model import HubSource
    from estimator.models import Model

Solve = Literal["context", "users"]


@dataclass(frozen=True)
class GpuRequest:
    """`on 2x h100` -> GpuRequest(H100-80GB, 2); `on h100` -> count None (how many?)."""

    gpu: Gpu
    count: int | None = None


@dataclass(frozen=True)
class Workload:
    """The serving load: tokens per sequence, concurrent sequences, KV cache format."""

    context_tokens: int | None = None
    sequences: int = 1
    kv_format: KvFormat | None = None
    sequences_given: bool = False

    @property
    def given(self) -> bool:
        return self.context_tokens is not None or self.sequences_given or self.kv_format is not None


@dataclass(frozen=True)
class Query:
    text: str
    params: int
    precision: Precision
    precision_given: bool
    model: "Model | None" = None
    workload: Workload = Workload()
    gpus: tuple[GpuRequest, ...] = ()
    compare_all: bool = False
    solve_for: Solve | None = None
    # A repository looked up on the Hugging Face Hub (hub/): exact weight bytes and where from.
    hub: "HubSource | None" = None
