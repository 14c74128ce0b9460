"""One sequence's KV cache as vLLM pages it (16-token blocks), for tests of the catalog's
attention layers: the paging rule is the engine's, not the model's."""

from estimator.engine import VLLM
from estimator.engines.base import paged_kv_bytes


def vllm_sequence_kv(model, context_tokens, kv_bits, tensor_parallel=1, *, windowed=True) -> int:
    return paged_kv_bytes(
        model, context_tokens, kv_bits, tensor_parallel, VLLM.block_tokens, windowed=windowed
    )
