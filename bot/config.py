"""Settings from the environment, and the check each mode makes before it starts.

Secrets are kept out of `repr` so that a settings object can never leak into a log line.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


class ConfigError(Exception):
    """A misconfiguration the operator can fix; the message says which variable and where to find it."""


_WHERE = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens, with the connections:write scope (xapp-…)",
    "SLACK_SIGNING_SECRET": "Basic Information → App Credentials → Signing Secret",
}
_PREFIX = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_url: str | None = None  # SLACK_API_URL: another Web API base URL (a stand-in)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        def read(name: str) -> str | None:
            return environ.get(name, "").strip() or None

        return cls(
            bot_token=read("SLACK_BOT_TOKEN"),
            app_token=read("SLACK_APP_TOKEN"),
            signing_secret=read("SLACK_SIGNING_SECRET"),
            api_url=read("SLACK_API_URL"),
        )

    @property
    def has_slack_tokens(self) -> bool:
        return bool(self.bot_token or self.app_token)

    def require_socket_mode(self) -> None:
        self._require("Socket Mode", SLACK_BOT_TOKEN=self.bot_token, SLACK_APP_TOKEN=self.app_token)

    def require_http_mode(self) -> None:
        self._require(
            "HTTP mode",
            SLACK_BOT_TOKEN=self.bot_token,
            SLACK_SIGNING_SECRET=self.signing_secret,
        )

    @staticmethod
    def _require(mode: str, **values: str | None) -> None:
        problems = []
        for name, value in values.items():
            if value is None:
                problems.append(f"{name} is not set (in your Slack app: {_WHERE[name]}).")
            elif name in _PREFIX and not value.startswith(_PREFIX[name]):
                problems.append(f"{name} should start with {_PREFIX[name]} ({_WHERE[name]}).")
        if problems:
            raise ConfigError(f"vram cannot start in {mode}: " + " ".join(problems))
