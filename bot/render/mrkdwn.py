"""Slack's mrkdwn escaping and its size limits, in one place.

Limits: https://docs.slack.dev/reference/block-kit/blocks (50 blocks a message, 3,000
characters a section text, 2,000 a section field, 150 a header, 10 context elements).
"""

MAX_BLOCKS = 50
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Make user or estimator text literal in mrkdwn: `<!channel>` must not ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """`text` as inline code; mrkdwn has no escape for a backtick inside one."""
    return "`" + escape(text).replace("`", "'") + "`"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def pack_lines(lines: list[str], limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Join lines into as few texts of at most `limit` characters as will hold them."""
    chunks: list[str] = []
    for line in (truncate(line, limit) for line in lines):
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks
