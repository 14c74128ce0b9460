"""The starting configuration of a training answer: one `accelerate launch` line running TRL's
script with the micro-batch, the gradient accumulation, gradient checkpointing and the
sharding of the plan.

Flags: accelerate launch (--num_processes, --mixed_precision, --use_deepspeed --zero_stage,
--use_fsdp --fsdp_sharding_strategy), TRL's trl/scripts/sft.py and dpo.py (SFTConfig/DPOConfig
are TrainingArguments; ModelConfig's --use_peft --lora_r --lora_target_modules --load_in_4bit
--use_bnb_nested_quant).
"""

from estimator.models import Model
from estimator.training import TrainingSetup
from estimator.training_data import GLOBAL_BATCH_SEQUENCES
from estimator.training_options import Sharding
from estimator.training_plan import GPUS_PER_NODE

_TARGET_MODULES = {"all": "all-linear", "qv": "q_proj v_proj", "mlp": "gate_proj up_proj down_proj"}
_TARGET_MODULES["qkvo"] = _TARGET_MODULES["attn"] = "q_proj k_proj v_proj o_proj"


def gradient_accumulation(micro_batch: int, gpu_count: int) -> int:
    """Steps to reach GLOBAL_BATCH_SEQUENCES sequences per optimizer step over all GPUs."""
    return max(1, -(-GLOBAL_BATCH_SEQUENCES // (micro_batch * gpu_count)))


def _launcher(gpu_count: int, sharding: Sharding) -> list[str]:
    words = ["accelerate launch", f"--num_processes {gpu_count}"]
    if gpu_count > GPUS_PER_NODE:  # run it on each node, with its --machine_rank
        words.append(f"--num_machines {gpu_count // GPUS_PER_NODE}")
    words.append("--mixed_precision bf16")
    if sharding.startswith("zero"):
        words += ["--use_deepspeed", f"--zero_stage {sharding[-1]}"]
    elif sharding == "fsdp":
        words += ["--use_fsdp", "--fsdp_sharding_strategy FULL_SHARD"]
    return words


def launch_command(
    setup: TrainingSetup, model: Model | None, gpu_count: int, sharding: Sharding
) -> str:
    """`model`: the catalog model named in the question (None for a bare size)."""
    script = "trl/scripts/dpo.py" if setup.method == "dpo" else "trl/scripts/sft.py"
    words = [*_launcher(gpu_count, sharding), script]
    words.append(f"--model_name_or_path {model.hf_id if model else '<your-model>'}")
    words += [
        f"--per_device_train_batch_size {setup.micro_batch}",
        f"--gradient_accumulation_steps {gradient_accumulation(setup.micro_batch, gpu_count)}",
        f"--max_length {setup.seq_len}",
    ]
    if setup.gradient_checkpointing:
        words.append("--gradient_checkpointing")
    words += ["--bf16", f"--optim {setup.optimizer.trainer_name}"]
    if setup.adapter:
        words += [
            "--use_peft",
            f"--lora_r {setup.rank}",
            f"--lora_target_modules {_TARGET_MODULES.get(setup.targets, setup.targets.replace(',', ' '))}",
        ]
    if setup.adapter == "qlora":
        words += ["--load_in_4bit", "--use_bnb_nested_quant"]
    return " ".join(words)
