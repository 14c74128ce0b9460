"""What the user asked, once understood: the output of the parser, the input of the model.

Written back as text by estimator.query_text; parsed from text (and as a follow-up to an
earlier Query) by estimator.parse.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from estimator.gpus import Gpu
from estimator.precisions import KvFormat, Precision
from estimator.training_options import METHODS, TrainingOptions

if TYPE_CHECKING:
    from estimator.hub_model import HubSource
    from estimator.models import Model

Solve = Literal["context", "users"]
# "serve" unless the question names a training method (training_options.METHODS: full,
# lora, qlora, pretrain, dpo); then `training` holds the method and its options.
Task = Literal["serve", "full", "lora", "qlora", "pretrain", "dpo"]
TRAINING_TASKS: tuple[str, ...] = METHODS


@dataclass(frozen=True)
class GpuRequest:
    """`on 2x h100` -> GpuRequest(H100-80GB, 2); `on h100` -> count None (how many?).

    A capacity named without a card ('a 24GB card', '16 gigs of vram') is a Gpu of that
    many bytes that is not in the catalog (`capacity_only`)."""

    gpu: Gpu
    count: int | None = None
    capacity_only: bool = False


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
class NameNote:
    """A model name not written as the catalog spells it, and how it was read:
    'typo'    one edit away from one name ('mixtrall 8x7b' -> mixtral-8x7b),
    'family'  a family and a size ('qwen 32b' -> the newest: qwen3-32b; alternatives: the others),
    'unknown' not a catalog name, answered for the size given ('codestral-9000 22b')."""

    kind: Literal["typo", "family", "unknown"]
    written: str
    alternatives: tuple[str, ...] = ()  # other catalog keys it could have meant


@dataclass(frozen=True)
class Query:
    text: str
    params: int  # 0 only for a Hub repo not yet looked up (hub_repo set, model None)
    precision: Precision
    precision_given: bool
    model: "Model | None" = None
    workload: Workload = Workload()
    gpus: tuple[GpuRequest, ...] = ()
    compare_all: bool = False
    solve_for: Solve | None = None
    # A repository looked up on the Hugging Face Hub (hub/): exact weight bytes and where from.
    hub: "HubSource | None" = None
    # Words left over once the question was understood, as written (shown in the answer).
    ignored_words: tuple[str, ...] = ()
    task: Task = "serve"
    training: TrainingOptions | None = None  # set, with its method, for a training question
    engine: str | None = None  # "sglang", "llama.cpp", "ollama" …; None = vLLM
    # A repository named that is not in the catalog (estimator.hub_ref), before any lookup.
    hub_repo: str | None = None  # 'org/name'
    hub_revision: str | None = None  # '@rev' or '/tree/rev'
    wants_nodes: bool = False  # "how many nodes": the plan in 8-GPU nodes
    # "fp8 vs fp16": every format to put side by side, `precision` (the first) among them.
    compare_precisions: tuple[Precision, ...] = ()
    name_note: NameNote | None = None

    @property
    def is_training(self) -> bool:
        return self.task != "serve"
