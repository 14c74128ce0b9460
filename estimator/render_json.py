"""Estimate -> the JSON contract of `python -m estimator --json` (stable: fields keep their meaning)."""

from estimator.estimate import Estimate, GpuPlan


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
    }


def to_json_dict(estimate: Estimate) -> dict:
    query = estimate.query
    workload = query.workload
    solved = estimate.inverse
    return {
        "query": estimate.understood,
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
        "assumptions": list(estimate.assumptions),
    }
