"""The words of a training answer: the breakdown's sentences, what was understood, the plans'
recommendations and verdicts, and the assumptions. Renderers print these as they are."""

from estimator.describe import format_count
from estimator.estimate import Part
from estimator.training import TrainingSetup
from estimator.training_data import (
    CHECKPOINTED_COEFFICIENT,
    GATHERED_LAYERS,
    GRADIENT_BYTES,
    LOGIT_BYTES,
    MASTER_BYTES,
    WEIGHT_BYTES,
)
from estimator.training_plan import TrainingLayout
from estimator.units import format_bytes

METHOD_LABELS = {
    "full": "full fine-tune",
    "pretrain": "pretraining",
    "lora": "LoRA",
    "qlora": "QLoRA",
    "dpo": "DPO",
}
SHARDING_LABELS = {
    "none": "no sharding",
    "zero1": "ZeRO-1",
    "zero2": "ZeRO-2",
    "zero3": "ZeRO-3",
    "fsdp": "FSDP full shard",
}
_TARGET_LABELS = {
    "all": "every linear layer but lm_head",
    "qv": "q_proj, v_proj",
    "qkvo": "q, k, v, o projections",
    "attn": "q, k, v, o projections",
    "mlp": "the MLP projections",
}


def _divided(count: int, sharding: str, divides: bool) -> str:
    return f" ÷ {count} GPUs ({SHARDING_LABELS[sharding]})" if divides and count > 1 else ""


def _shards(layout: TrainingLayout, stages: tuple[str, ...]) -> bool:
    return layout.sharding in stages and layout.count > 1


def _weights_sentence(setup: TrainingSetup, layout: TrainingLayout) -> str:
    trainable = format_count(setup.trainable_params)
    if setup.adapter:
        precision = setup.base_precision
        base = f"frozen base at {precision.name} ({precision.bits_label}"
        base += "; embeddings and lm_head 16-bit)" if precision.scope != "all" else ")"
        text = f"{base} + {trainable} adapter params in bf16"
        if setup.method == "dpo":
            text += "; the reference is the base with the adapters off"
    elif setup.method == "dpo":
        text = f"bf16 policy ({WEIGHT_BYTES} B × {format_count(setup.params)}) + a frozen bf16 reference copy"
    else:
        text = f"bf16, {WEIGHT_BYTES} B × {format_count(setup.params)} params"
    sharded = _shards(layout, ("zero3", "fsdp"))
    text += _divided(layout.count, layout.sharding, sharded)
    if sharded:
        text += f", + {GATHERED_LAYERS} layers gathered at a time"
    return text


def _optimizer_sentence(setup: TrainingSetup, layout: TrainingLayout) -> str:
    optimizer = setup.optimizer
    if optimizer.factored:
        states = "Adafactor's factored second moments (row + column sums)"
    else:
        states = f"{optimizer.label} states {optimizer.state_bytes} B"
    text = f"fp32 master {MASTER_BYTES} B + {states} per trained param"
    if optimizer.paged:
        text += " (paged: may spill to CPU RAM)"
    return text + _divided(layout.count, layout.sharding, layout.sharding != "none")


def _activations_sentence(setup: TrainingSetup) -> str:
    model = setup.model
    shape = f"s={setup.seq_len:,} × b={setup.sequences_per_step} × h={model.hidden_size:,}"
    if setup.method == "dpo":
        shape += " (chosen + rejected)"
    if setup.gradient_checkpointing:
        return (
            f"checkpointed: {CHECKPOINTED_COEFFICIENT}·sbh × {model.layers} layer inputs + one "
            f"layer recomputed, {shape} (Korthikanti et al.)"
        )
    return f"34·sbh × {model.layers} layers, FlashAttention, {shape} (Korthikanti et al.)"


def parts(setup: TrainingSetup, layout: TrainingLayout) -> tuple[Part, ...]:
    """The rows of the breakdown, per GPU; their bytes add up to the per-GPU peak."""
    held = layout.parts
    trainable = format_count(setup.trainable_params)
    gradient = f"bf16, {GRADIENT_BYTES} B × {trainable} trained params"
    gradient += _divided(layout.count, layout.sharding, _shards(layout, ("zero2", "zero3", "fsdp")))
    logits = f"fp32, {LOGIT_BYTES} B × {setup.tokens_per_step:,} tokens × {setup.model.vocab_size:,} vocab"
    return (
        Part("weights", held.weights, _weights_sentence(setup, layout)),
        Part("gradients", held.gradients, gradient),
        Part("optimizer", held.optimizer, _optimizer_sentence(setup, layout)),
        Part("activations", held.activations, _activations_sentence(setup)),
        Part("logits", held.logits, logits),
        Part("reserve", held.reserve, "CUDA context and kernels, NCCL buffers, allocator slack"),
    )


def method_label(setup: TrainingSetup) -> str:
    label = METHOD_LABELS[setup.method]
    if setup.method == "dpo" and setup.adapter:
        label += f" with {METHOD_LABELS[setup.adapter]} adapters"
    return label


def understood(setup: TrainingSetup, model_name: str | None, requests: list[str]) -> str:
    params = f"{format_count(setup.params)} params"
    words = [f"{model_name} ({params})" if model_name else params, method_label(setup)]
    if setup.adapter:
        share = setup.trainable_params / setup.params * 100
        words.append(
            f"rank {setup.rank} on {_TARGET_LABELS.get(setup.targets, setup.targets)}: "
            f"{format_count(setup.trainable_params)} trainable ({share:.2f} %)"
        )
    words.append(f"{setup.optimizer.label}, bf16 mixed precision")
    words.append(f"micro-batch {setup.micro_batch} × {setup.seq_len:,} tokens")
    words.append(
        "gradient checkpointing" if setup.gradient_checkpointing else "no gradient checkpointing"
    )
    return " · ".join([*words, *requests])


def recommendation(
    least: TrainingLayout | None, runs: TrainingLayout | None, fixed_bytes: int
) -> str:
    """'1 GPU, no sharding (41.2 GiB)', 'ZeRO-3 over 3 (21.9 GiB each)', 'ZeRO-3 over 24: 3
    nodes of 8 (…)' when the fewest spill past one node, or why no count holds it."""
    if least is None:
        return (
            f"none: activations, logits and reserve alone take {format_bytes(fixed_bytes)} per GPU; "
            "try gc, a smaller batch= or seq="
        )
    shown = runs if runs and runs.count > least.count else least
    each = format_bytes(shown.per_gpu_bytes)
    if shown.count == 1:
        return f"1 GPU, no sharding ({each})"
    nodes = f": {shown.count // 8} nodes of 8" if shown.count > 8 else ""
    return f"{SHARDING_LABELS[shown.sharding]} over {shown.count}{nodes} ({each} each)"


def checkpointing_hint(without: TrainingLayout | None, with_gc: TrainingLayout | None) -> str:
    """Full fine-tunes default to no checkpointing; say what turning it on would save."""
    if with_gc is None or (without is not None and without.count <= with_gc.count):
        return ""
    how = "" if with_gc.count == 1 else f" with {SHARDING_LABELS[with_gc.sharding]}"
    return (
        f" With gradient checkpointing (add gc) it takes {with_gc.count} × {with_gc.gpu.name}"
        f"{how}, {format_bytes(with_gc.per_gpu_bytes)} each."
    )


def summary(shown: TrainingLayout) -> str:
    """The headline: what each GPU of the layout the parts describe holds."""
    where = f"{shown.count} × {shown.gpu.name}"
    how = SHARDING_LABELS[shown.sharding]
    text = f"Per GPU: {format_bytes(shown.per_gpu_bytes)} on {where}, {how}"
    if shown.count > 1:
        text += f" ({format_bytes(shown.total_bytes)} over all {shown.count})"
    if not shown.fits:
        text += f"; more than its {format_bytes(shown.gpu.memory_bytes)}"
    return text + "."


def verdict(asked: TrainingLayout, fewest: TrainingLayout | None) -> str:
    where = f"{asked.count} × {asked.gpu.name}"
    how = "" if asked.sharding == "none" else f" with {SHARDING_LABELS[asked.sharding]}"
    need = format_bytes(asked.per_gpu_bytes)
    if asked.fits:
        return f"Yes, it fits on {where}{how}: {need} per GPU of {format_bytes(asked.gpu.memory_bytes)}."
    text = f"No, it does not fit on {where}{how}: it needs {need} per GPU of {format_bytes(asked.gpu.memory_bytes)}"
    if fewest is None:
        return text + "; no count of that card holds it."
    return text + f"; it takes {fewest.count} with {SHARDING_LABELS[fewest.sharding]}."


def assumptions(
    setup: TrainingSetup, defaults: tuple[str, ...], stand_in_name: str | None
) -> tuple[str, ...]:
    notes = []
    if defaults:
        notes.append("Defaults: " + "; ".join(defaults) + ".")
    if stand_in_name:
        notes.append(
            f"Architecture unknown: layers, hidden size, vocabulary and linear shapes as for "
            f"{stand_in_name}, the catalog model closest in size. Name the model for exact figures."
        )
    notes.append(
        "Mixed precision as DeepSpeed and FSDP run it: 16 B per trained parameter with AdamW "
        "(bf16 weight 2 + gradient 2, fp32 master 4 + m, v 8; ZeRO paper's 16Ψ). Hugging Face's "
        "Trainer without DeepSpeed keeps fp32 weights and gradients: 18 B."
    )
    notes.append(
        "Activations: Korthikanti et al. (arXiv 2205.05198) with FlashAttention, 16-bit; logits in "
        "fp32. ZeRO-1/2/3 and FSDP divide the optimizer states / + gradients / + weights by the GPU "
        "count; activations, logits and the reserve stay whole on every GPU."
    )
    if setup.model.is_moe:
        notes.append(
            "MoE: every expert is trained and held; each token's activations pass through its top-k experts."
        )
    if setup.adapter == "qlora":
        notes.append(
            "QLoRA: NF4 with double quantisation, 4.127 bits per weight (QLoRA paper §3). Sharded "
            "with ZeRO-3 or FSDP it needs bnb_4bit_quant_storage=bfloat16."
        )
    if setup.optimizer.paged:
        notes.append(
            "Paged optimizer: its states page out to CPU RAM under pressure; counted here on the GPU."
        )
    notes.append(
        "Not modelled: CPU/NVMe offload, tensor or pipeline parallelism, sequence packing."
    )
    notes.append(
        "Card memory is what CUDA sees (A100/H100 80GB: 79.2 GiB). GB = 10^9 bytes, GiB = 2^30 bytes."
    )
    return tuple(notes)
