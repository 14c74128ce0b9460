"""A training question -> TrainingSetup: every option the question left out gets its default,
and each default used is said in the answer."""

from dataclasses import dataclass

from estimator.errors import QueryError
from estimator.memory import closest_model
from estimator.models import Model
from estimator.precisions import Precision, find_precision
from estimator.training import QLORA_PRECISION, TrainingSetup, targeted_layers
from estimator.training_data import DEFAULT_OPTIMIZER, DEFAULT_RANK, DEFAULT_TARGETS, DEFAULTS
from estimator.training_options import TrainingOptions

UNQUANTISED_BITS = 16


@dataclass(frozen=True)
class Resolved:
    setup: TrainingSetup
    stand_in: Model | None  # the architecture used for a bare size
    defaults: tuple[str, ...]  # sentences: the defaults this answer used


def _base_precision(
    options: TrainingOptions, model: Model | None, precision: Precision, given: bool
) -> Precision | None:
    """The format of the frozen base. QLoRA is NF4 with double quantisation by definition, so a
    bare 'qlora 70B' needs no format; a format that contradicts it is refused. Full training
    holds bf16 weights, so a quantised format there is refused too."""
    adapter = options.adapter_kind
    if adapter == "qlora":
        if given and round(precision.bits) != 4:  # nf4, int4, fp4, 4bit: the same base
            raise QueryError(
                f"QLoRA trains adapters on a 4-bit NF4 base; {precision.name} contradicts it. "
                "For a 16-bit or 8-bit frozen base ask for lora with that format.",
                "llama-3.1-70b qlora",
            )
        return QLORA_PRECISION
    if adapter == "lora":
        if given:
            return precision
        native = find_precision(model.native_precision) if model else None
        return native or precision
    if given and precision.bits != UNQUANTISED_BITS:
        raise QueryError(
            f"Full training updates bf16 weights, not {precision.name} ones; for a quantised "
            "frozen base ask for lora or qlora.",
            "llama-3.1-8b qlora",
        )
    return None


def resolve(
    options: TrainingOptions,
    params: int,
    model: Model | None,
    precision: Precision,
    precision_given: bool,
    context_tokens: int | None = None,
) -> Resolved:
    """`context_tokens`: a ctx= written in the question stands for the training sequence."""
    architecture = model or closest_model(params)
    defaults = []
    optimizer = options.optimizer or DEFAULT_OPTIMIZER
    if options.optimizer is None:
        defaults.append(f"optimizer {optimizer.label} in bf16 mixed precision (optim= to change)")
    micro_batch = options.micro_batch or DEFAULTS["micro_batch"]
    if options.micro_batch is None:
        defaults.append(f"micro-batch {micro_batch} per GPU (batch=)")
    seq_len = options.seq_len or context_tokens or DEFAULTS["seq_len"]
    if options.seq_len is None and context_tokens is None:
        defaults.append(f"sequences of {seq_len:,} tokens (seq=)")
    checkpointing = options.gradient_checkpointing
    if checkpointing is None:
        checkpointing = options.uses_adapters
        defaults.append(
            "gradient checkpointing on, as usual for LoRA/QLoRA"
            if checkpointing
            else "no gradient checkpointing, as for a full fine-tune (gc turns it on)"
        )
    rank = targets = None
    if options.uses_adapters:
        rank = options.rank or DEFAULT_RANK
        targets = options.targets or DEFAULT_TARGETS
        if options.rank is None:
            defaults.append(f"LoRA rank {rank} (rank=)")
        if options.targets is None:
            defaults.append("adapters on every linear layer but lm_head (targets=qv for q, v only)")
        if not targeted_layers(architecture, targets):
            raise QueryError(
                f"{architecture.display_name} has no layers for targets={targets} "
                "(MLA attention has no q_proj/v_proj); use targets=all.",
                "deepseek-v3 lora targets=all",
            )
    setup = TrainingSetup(
        method=options.method,
        model=architecture,
        params=params,
        optimizer=optimizer,
        micro_batch=micro_batch,
        seq_len=seq_len,
        gradient_checkpointing=checkpointing,
        base_precision=_base_precision(options, model, precision, precision_given),
        adapter=options.adapter_kind,
        rank=rank,
        targets=targets,
    )
    return Resolved(setup, None if model else architecture, tuple(defaults))
