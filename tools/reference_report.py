"""Print how the estimator compares with every published figure in tests/data/reference_cases.json.

.venv/bin/python tools/reference_report.py      (or: make accuracy)
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_reference_cases import CASES, measured


def main() -> int:
    within = 0
    print(f"{'case':<32} {'quantity':<29} {'vram':>16} {'published':>16} {'error':>8} {'tol':>6}")
    for case in CASES:
        value = measured(case)
        error = (value - case["value"]) / case["value"] * 100
        ok = abs(error) <= case["tolerance_pct"]
        within += ok
        print(
            f"{case['id']:<32} {case['quantity']:<29} {value:>16,} {case['value']:>16,} "
            f"{error:>+7.2f}% {case['tolerance_pct']:>5}%{'' if ok else '  OUTSIDE'}"
        )
    exact = sum(measured(case) == case["value"] for case in CASES)
    print(
        f"\n{within}/{len(CASES)} within the source's tolerance, {exact} exact to the byte or count."
    )
    print(json.dumps({"cases": len(CASES), "within_tolerance": within, "exact": exact}))
    return 0 if within == len(CASES) else 1


if __name__ == "__main__":
    sys.exit(main())
