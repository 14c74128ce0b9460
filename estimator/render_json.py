"""Estimate -> the JSON contract of `python -m estimator --json` (stable: fields keep their meaning)."""

from estimator.estimate import Estimate, GpuPlan
from estimator.training_answer import TrainingAnswer


def _gpu(plan: GpuPlan) -> dict:
    return {
        "name": plan.gpu.name,
        "memory_bytes": plan.gpu.memory_bytes,
        "min_count": plan.min_count,
        "recommended_count": plan.recommended_count,
        "tensor_parallel_size": plan.tensor_parallel,
        "pipeline_parallel_size": plan.pipeline_parallel,
        "per_gpu_bytes": plan.per_gpu_bytes,
        "usable_bytes_per_gpu": plan.usable_bytes_per_gpu,
        "requested_count": plan.requested_count,
        "fits_requested": plan.fits_requested,
        "serve_command": plan.serve_command,
        "recommendation": plan.recommendation,
        "verdict": plan.verdict,
        "min_count_reason": plan.min_count_reason,
        "gpu_layers": plan.gpu_layers,
        "system_ram_bytes": plan.system_ram_bytes,
    }


def _training(answer: TrainingAnswer) -> dict:
    setup, shown = answer.setup, answer.layout
    return {
        "method": setup.method,
        "adapter": setup.adapter,
        "base_format": setup.base_precision.name if setup.base_precision else "bf16",
        "optimizer": setup.optimizer.name,
        "micro_batch": setup.micro_batch,
        "seq_len": setup.seq_len,
        "gradient_checkpointing": setup.gradient_checkpointing,
        "sharding": shown.sharding,
        "gpu": shown.gpu.name,
        "gpu_count": shown.count,
        "trainable_params": setup.trainable_params,
        "lora_rank": setup.rank,
        "lora_targets": setup.targets,
        "per_gpu_bytes": shown.per_gpu_bytes,
        "parts": answer.parts_by_key,
    }


def to_json_dict(estimate: Estimate) -> dict:
    query = estimate.query
    workload = query.workload
    solved = estimate.inverse
    training = estimate.training
    return {
        "query": estimate.understood,
        "task": training.setup.method if training else "serve",
        "engine": {"name": estimate.engine.name, "version": estimate.engine.version},
        "model": {
            "name": query.model.key if query.model else None,
            "params": query.params,
            "source": "hub" if query.hub else ("catalog" if query.model else "size"),
            "hf_id": query.hub.repo_id if query.hub else (query.model and query.model.hf_id),
            "revision": query.hub.sha if query.hub else None,
        },
        "precision": {
            "name": query.precision.name,
            "bits_per_param": float(query.precision.bits),
        },
        "workload": {
            "context_tokens": workload.context_tokens,
            "sequences": workload.sequences,
            "kv_cache_dtype": workload.kv_format.name if workload.kv_format else None,
        },
        "weights_bytes": estimate.weights_bytes,
        "kv_bytes_per_token": estimate.kv_bytes_per_token,
        "kv_cache_bytes": estimate.kv_cache_bytes,
        "kv_cache_bytes_full_attention": estimate.kv_cache_bytes_full_attention,
        "overhead_bytes": estimate.overhead_bytes,
        "total_bytes": estimate.total_bytes,
        "rule_of_thumb_bytes": estimate.rule_of_thumb_bytes,
        "parts": [
            {"name": part.name, "bytes": part.bytes, "sentence": part.sentence}
            for part in estimate.parts
        ],
        "side_by_side": [
            {"precision": row.precision, "total_bytes": row.total_bytes, "cards": list(row.cards)}
            for row in estimate.side_by_side
        ],
        "gpus": [_gpu(plan) for plan in estimate.gpus],
        "inverse": (
            {
                "solve_for": solved.solve_for,
                "gpu": solved.gpu.name,
                "gpu_count": solved.gpu_count,
                "value": solved.value,
            }
            if solved
            else None
        ),
        "training": _training(training) if training else None,
        "assumptions": list(estimate.assumptions),
    }
