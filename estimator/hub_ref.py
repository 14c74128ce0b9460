"""Finding a Hugging Face repository named in a question: `org/name`, `org/name@revision`,
`https://huggingface.co/org/name/tree/rev`, `hf.co/org/name:Q4_K_M` (Ollama's form), a
`/blob/<rev>/<file>.gguf` link. Pure: text in, a RepoRef (unresolved) out.

Repository names follow the Hub's rules (huggingface_hub `validate_repo_id`): letters, digits,
'-', '_', '.', at most 96 characters each side, not starting or ending with '-' or '.'.
"""

import re
from dataclasses import dataclass

_PART = r"[A-Za-z0-9](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9])?"
_REVISION = r"[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}"
_HOST = r"(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/"
_REF = re.compile(
    rf"(?<![A-Za-z0-9_.\-/:@])(?P<host>{_HOST})?(?P<org>{_PART})/(?P<name>{_PART})"
    rf"(?:/(?:tree|blob|resolve)/(?P<url_rev>[A-Za-z0-9_.\-]+)(?:/(?P<file>[^\s?#]+))?)?"
    rf"(?:@(?P<rev>{_REVISION}))?(?::(?P<tag>[A-Za-z0-9_.\-]+))?/?(?=$|[\s,;?!)])"
)
# `h100/h200`, `tp/pp`, `fp16/bf16`, `ctx/users`: slashes people write that are not
# repositories. Without a host or a revision, two short plain words are not taken for one.
_SHORT = 5
_JOINERS = frozenset("-_.")


def _plain_pair(org: str, name: str) -> bool:
    return len(org) <= _SHORT and len(name) <= _SHORT and not _JOINERS & set(org + name)


@dataclass(frozen=True)
class RepoRef:
    """A repository as written: `repo_id` (org/name), the revision asked (None = main), a
    file or quant tag named with it, and where it stands in the text."""

    repo_id: str
    revision: str | None
    file: str | None
    start: int
    end: int

    @property
    def shown(self) -> str:
        return self.repo_id + (f"@{self.revision}" if self.revision else "")


def find_repo_ref(text: str) -> RepoRef | None:
    """The first Hugging Face repository named in `text`, or None."""
    for match in _REF.finditer(text):
        org, name = match["org"], match["name"]
        if not (match["host"] or match["rev"]) and _plain_pair(org, name):
            continue
        if ".." in org + name or name.endswith(".git"):
            continue
        revision = match["rev"] or match["url_rev"]
        return RepoRef(
            repo_id=f"{org}/{name}",
            revision=None if revision == "main" else revision,
            file=match["file"] or match["tag"],
            start=match.start(),
            end=match.end(),
        )
    return None


def without_ref(text: str, ref: RepoRef) -> str:
    """The rest of the question once the repository is cut out ('… q4_k_m ctx=8k')."""
    return (text[: ref.start] + " " + text[ref.end :]).strip()
