"""vram's estimator: text in, a frozen Estimate out. No I/O, no Slack.

>>> from estimator import estimate
>>> estimate("70B fp16").total_bytes
168000000000
"""

from estimator.compute import estimate_query
from estimator.errors import QueryError
from estimator.estimate import Estimate, GpuPlan
from estimator.parse import parse

__all__ = ["Estimate", "GpuPlan", "QueryError", "estimate", "parse"]


def estimate(text: str) -> Estimate:
    """Understand `text` and answer it; raises QueryError for anything it cannot understand."""
    return estimate_query(parse(text))
