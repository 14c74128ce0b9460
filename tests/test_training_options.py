"""Training options as the parser hands them over: good values kept, bad ones refused clearly."""

import pytest

from estimator.errors import QueryError
from estimator.training_data import DEFAULT_OPTIMIZER, OPTIMIZERS, find_optimizer
from estimator.training_options import (
    TrainingOptions,
    read_micro_batch,
    read_optimizer,
    read_rank,
    read_seq_len,
    read_sharding,
    read_targets,
)


@pytest.mark.parametrize(
    ("text", "stage"),
    [("zero1", "zero1"), ("ZeRO-2", "zero2"), ("zero 3", "zero3"), ("zero_stage_3", "zero3"),
     ("deepspeed-zero3", "zero3"), ("fsdp", "fsdp"), ("FSDP", "fsdp"), ("ddp", "none")],
)  # fmt: skip
def test_sharding_stages(text, stage):
    assert read_sharding(text) == stage


@pytest.mark.parametrize("text", ["zero7", "zero4", "zero", "zero-1.5"])
def test_zero_stages_beyond_three_are_refused(text):
    with pytest.raises(QueryError, match="stages 1, 2 and 3"):
        read_sharding(text)


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "eight", ""])
def test_rank_and_batch_need_whole_positive_numbers(text):
    with pytest.raises(QueryError, match="at least 1"):
        read_rank(text)
    with pytest.raises(QueryError, match="at least 1"):
        read_micro_batch(text)


def test_rank_batch_and_sequence_in_range():
    assert read_rank("16") == 16
    assert read_micro_batch("8") == 8
    assert read_seq_len(4096) == 4096
    with pytest.raises(QueryError, match="more than I can plan"):
        read_micro_batch("100000")
    with pytest.raises(QueryError, match="out of range"):
        read_seq_len(0)


def test_optimizers_by_their_usual_names():
    assert read_optimizer("adamw") is DEFAULT_OPTIMIZER
    assert read_optimizer("paged_adamw_8bit").state_bytes == 2
    assert read_optimizer("adamw8bit").state_bytes == 2
    assert read_optimizer("SGD").state_bytes == 4
    assert read_optimizer("adafactor").factored
    with pytest.raises(QueryError, match="I know adafactor, adamw"):
        read_optimizer("lion")


def test_every_optimizer_has_a_source_and_a_trainer_name():
    for optimizer in OPTIMIZERS.values():
        assert optimizer.source and optimizer.trainer_name
        assert find_optimizer(optimizer.name) is optimizer


def test_targets():
    assert read_targets("qv") == "qv"
    assert read_targets("all-linear") == "all"
    assert read_targets("q,v") == "qv"
    with pytest.raises(QueryError, match="targets="):
        read_targets("everything")


def test_lora_options_need_an_adapter():
    with pytest.raises(QueryError, match="LoRA options"):
        TrainingOptions("full", rank=16)
    assert TrainingOptions("dpo", adapter="qlora", rank=8).adapter_kind == "qlora"
    assert TrainingOptions("lora").uses_adapters
    assert not TrainingOptions("pretrain").uses_adapters


def test_targets_as_module_names():
    assert read_targets("q_proj,v_proj") == "qv"
    assert read_targets("q_proj, k_proj, v_proj, o_proj") == "qkvo"
    assert read_targets("q_proj,k_proj") == "q_proj,k_proj"
    with pytest.raises(QueryError, match="module names"):
        read_targets("q_proj,lm_hat")
