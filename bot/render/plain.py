"""Block Kit -> readable terminal text, for local mode: what Slack would show, minus the styling."""

import re

_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_CODE_BLOCK = re.compile(r"\n?```(.*?)```", re.DOTALL)
_MENTION = re.compile(r"<@(\w+)(?:\|([^>]*))?>")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def blocks_as_text(blocks: list[dict], names: dict[str, str] | None = None) -> str:
    """`names` maps user ids to how a mention is shown (`<@U0YOU>` -> '@you').

    Buttons become numbered choices, [1] [2] …, counted across the whole message in the
    order Slack shows them (local mode clicks one when its number is typed)."""
    lines: list[str] = []
    buttons = 0
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "═" * len(title)]
        elif kind == "section":
            if "text" in block:
                lines.append(_plain(block["text"]["text"], names))
            if block.get("accessory", {}).get("type") == "button":
                buttons += 1
                lines[-1] += f"   [{buttons}] {block['accessory']['text']['text']}"
            lines += [
                _plain(field["text"], names).replace("\n", " · ")
                for field in block.get("fields", [])
            ]
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "actions":
            choices = []
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    buttons += 1
                    choices.append(f"[{buttons}] {element['text']['text']}")
            lines += _wrap(choices)
        elif kind == "context":
            for element in block["elements"]:
                lines += [
                    "  " + line for line in _plain(element.get("text", ""), names).splitlines()
                ]
    return "\n".join(lines)


def _wrap(choices: list[str], width: int = 88) -> list[str]:
    lines: list[str] = []
    for choice in choices:
        if lines and len(lines[-1]) + 3 + len(choice) <= width:
            lines[-1] += "   " + choice
        else:
            lines.append("  " + choice)
    return lines


def _plain(mrkdwn: str, names: dict[str, str] | None) -> str:
    text = _CODE_BLOCK.sub(
        lambda m: "".join("\n    " + line for line in m.group(1).splitlines()), mrkdwn
    )
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _LINK.sub(r"\2 (\1)", text)
    text = _MENTION.sub(
        lambda m: "@" + (names or {}).get(m.group(1), m.group(2) or m.group(1)), text
    )
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text
