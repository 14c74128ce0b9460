"""The starting configuration: accelerate's flags for the sharding, TRL's for the rest."""

from estimator import estimate
from estimator.training_launch import gradient_accumulation


def line(text: str) -> str:
    (plan, *_) = estimate(text).gpus
    return plan.serve_command


def test_deepspeed_stage_and_fsdp_flags():
    assert "--use_deepspeed --zero_stage 2" in line("llama-3.1-8b lora zero2 on 2x l4")
    fsdp = line("llama-3.1-70b full gc fsdp on 16x h100")
    assert "--use_fsdp --fsdp_sharding_strategy FULL_SHARD" in fsdp
    assert "--num_processes 16 --num_machines 2" in fsdp
    plain = line("llama-3.2-1b lora on 4x l4")
    assert "--num_processes 4 --mixed_precision bf16 trl/scripts/sft.py" in plain


def test_trainer_flags_follow_the_setup():
    qlora = line(
        "llama-3.1-8b qlora batch=4 seq=4096 rank=8 targets=qv optim=paged_adamw8bit on 1x l4"
    )
    for flag in (
        "--per_device_train_batch_size 4",
        "--max_length 4096",
        "--gradient_checkpointing",
        "--optim paged_adamw_8bit",
        "--lora_r 8",
        "--lora_target_modules q_proj v_proj",
        "--load_in_4bit",
        "--use_bnb_nested_quant",
        "--model_name_or_path meta-llama/",
    ):
        assert flag in qlora, flag  # fmt: skip
    full = line("llama-3.1-8b full on 2x h100")
    assert "--use_peft" not in full and "--gradient_checkpointing" not in full
    assert "trl/scripts/dpo.py" in line("qwen2.5-7b dpo lora on 1x h100")


def test_gradient_accumulation_reaches_sixteen_sequences_a_step():
    assert gradient_accumulation(1, 1) == 16
    assert gradient_accumulation(4, 2) == 2
    assert gradient_accumulation(2, 24) == 1
