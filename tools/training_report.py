"""Print how the training estimator compares with every published figure in
tests/data/training_cases.json.

    .venv/bin/python tools/training_report.py      (make accuracy runs it after the serving table)
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_training_cases import CASES, measured, within

_SIGNS = {"within": "±", "at_most": "≤", "at_least": "≥"}


def main() -> int:
    kept = 0
    print(f"{'case':<38} {'quantity':<21} {'vram':>17} {'published':>17} {'error':>8} {'tol':>6}")
    for case in CASES:
        value = measured(case)
        error = (value - case["value"]) / case["value"] * 100
        ok = within(case, value)
        kept += ok == case["meets"]
        tolerance = f"{_SIGNS[case['comparison']]}{case['tolerance_pct']:g}%"
        if case["comparison"] != "within":
            tolerance = _SIGNS[case["comparison"]]
        flag = "" if ok else "  not met: see its reason"
        print(
            f"{case['id']:<38} {case['quantity']:<21} {value:>17,} {case['value']:>17,} "
            f"{error:>+7.1f}% {tolerance:>6}{flag}"
        )
    met = sum(case["meets"] for case in CASES)
    print(
        f"\n{met}/{len(CASES)} within their source's tolerance; {len(CASES) - met} named with a reason."
    )
    print(json.dumps({"cases": len(CASES), "within_tolerance": met}))
    return 0 if kept == len(CASES) else 1


if __name__ == "__main__":
    sys.exit(main())
