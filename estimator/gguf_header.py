"""The key/value metadata at the start of a GGUF file, read from a prefix of its bytes.

Layout (ggml docs/gguf.md; gguf-py `GGUFReader`): magic "GGUF", u32 version (2 or 3),
u64 tensor count, u64 key/value count, then each key/value: string key (u64 length + UTF-8),
u32 value type, value. Little-endian. llama.cpp writes `general.*` and `{arch}.*` before the
`tokenizer.*` arrays (which can be megabytes), so the architecture is read from the first
tens of KiB: reading stops at the first tokenizer key, or at the end of the metadata.
"""

import struct
from dataclasses import dataclass

MAGIC = b"GGUF"
_SCALARS = {  # GGUFValueType -> struct format
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
    10: "<Q", 11: "<q", 12: "<d",
}  # fmt: skip
_STRING, _ARRAY = 8, 9
MAX_ARRAY_ITEMS_KEPT = 4096  # per-layer arrays are kept; longer ones (vocabularies) are counted


class NeedMoreBytes(Exception):
    """The prefix ended inside the metadata: read more of the file and try again."""


class NotGguf(ValueError):
    """The bytes are not a GGUF file this reader knows."""


@dataclass(frozen=True)
class GgufHeader:
    version: int
    tensor_count: int
    metadata: dict  # key -> int | float | bool | str | list; a long array -> its length
    complete: bool  # every key/value was read (False: stopped at the tokenizer block)


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.at + size > len(self.data):
            raise NeedMoreBytes
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return value

    def string(self) -> str:
        length = self.take("<Q")
        if length > 1 << 24:
            raise NotGguf(f"a {length:,}-byte string in the header")
        if self.at + length > len(self.data):
            raise NeedMoreBytes
        raw = self.data[self.at : self.at + length]
        self.at += length
        return raw.decode("utf-8", errors="replace")

    def value(self, kind: int):
        if kind in _SCALARS:
            return self.take(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.take("<I"), self.take("<Q")
            items = [self.value(item_kind) for _ in range(min(count, MAX_ARRAY_ITEMS_KEPT))]
            if count <= MAX_ARRAY_ITEMS_KEPT:
                return items
            for _ in range(count - MAX_ARRAY_ITEMS_KEPT):
                self.value(item_kind)
            return count
        raise NotGguf(f"unknown GGUF value type {kind}")


def read_gguf_header(prefix: bytes) -> GgufHeader:
    """Metadata from the first bytes of a GGUF file. Raises NeedMoreBytes when the prefix is
    too short to reach the architecture, NotGguf when it is not a GGUF v2/v3 file."""
    if len(prefix) >= 4 and prefix[:4] != MAGIC:
        raise NotGguf("the file does not start with GGUF")
    reader = _Reader(prefix)
    reader.take("<I")
    version = reader.take("<I")
    if version not in (2, 3):
        raise NotGguf(f"GGUF version {version} (2 and 3 are read)")
    tensor_count, kv_count = reader.take("<Q"), reader.take("<Q")
    metadata: dict = {}
    for _ in range(kv_count):
        key = reader.string()
        if key.startswith("tokenizer.") and "general.architecture" in metadata:
            return GgufHeader(version, tensor_count, metadata, complete=False)
        metadata[key] = reader.value(reader.take("<I"))
    return GgufHeader(version, tensor_count, metadata, complete=True)
