"""The Hugging Face Hub at the edge: looking a repository up (huggingface_hub as the client),
under a hard deadline and off the caller's thread, with a cache by commit. The CLI and the
Slack app both answer through `hub.answer`; the estimator core stays pure (estimator/hub_model.py
turns what is fetched here into a Model and exact weight bytes).
"""

import os

# huggingface_hub's telemetry builds its User-Agent from a registry it fetches from
# {HF_ENDPOINT}/api/agent-harnesses: one more request per process, outside our deadline.
# Read at its import, so set before hub.client imports it.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
