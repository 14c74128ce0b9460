"""Print vLLM's runtime reserve as vram computes it beside what vLLM v0.19.0's profiler logged,
run by run (tests/data/engine_cases.json, "vllm").

    .venv/bin/python tools/vllm_profile_report.py      (make accuracy runs it)
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_vllm_profile import CASES, GIB, kv_left, logged_run


def main() -> int:
    print(
        f"{'run':<32} {'activation GiB':>20} {'error':>7} {'non-torch GiB':>15} "
        f"{'KV cache GiB':>16} {'error':>7}"
    )
    worst_activation = worst_kv = 0.0
    for case in CASES:
        run = logged_run(case)
        activation = run.activation_bytes / GIB
        kv = kv_left(case, run) / GIB
        activation_error = (activation / case["activation_gib"] - 1) * 100
        kv_error = kv - case["kv_cache_gib"]
        worst_activation = max(worst_activation, abs(activation_error))
        worst_kv = max(worst_kv, abs(kv_error))
        print(
            f"{case['id'].removeprefix('vllm-0.19-'):<32} "
            f"{activation:>9.2f} vs {case['activation_gib']:>5.2f} {activation_error:>+6.1f}% "
            f"{run.non_torch_bytes / GIB:>6.2f} vs {case['non_torch_gib']:>4.2f} "
            f"{kv:>7.2f} vs {case['kv_cache_gib']:>5.2f} {kv_error:>+6.2f}"
        )
    print(
        f"\n{len(CASES)} runs: peak activation within {worst_activation:.1f} %, "
        f"KV cache within {worst_kv:.2f} GiB of what vLLM allocated."
    )
    print(json.dumps({"runs": len(CASES), "activation_pct": round(worst_activation, 1),
                      "kv_gib": round(worst_kv, 2)}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
