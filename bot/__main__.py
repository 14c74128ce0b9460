"""`python -m bot`: Socket Mode when Slack tokens are set, local mode when none are.

    python -m bot                            # SLACK_BOT_TOKEN + SLACK_APP_TOKEN: Socket Mode;
                                             # neither: local mode (type questions)
    python -m bot --socket                   # Socket Mode or a clear error (Procfile worker:)
    python -m bot --local                    # local mode, even with tokens set
    python -m bot --local "/vram 70B fp16"   # one question in local mode, then exit

HTTP mode is served by gunicorn instead: see bot/http.py and the Procfile.
"""

import argparse
import logging
import sys

from bot.config import ConfigError, Settings
from bot.logs import configure_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--socket", action="store_true", help="run in Socket Mode (needs tokens)")
    mode.add_argument("--local", nargs="*", metavar="QUESTION", help="run without Slack")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.local is None and (args.socket or settings.has_slack_tokens):
            run_socket_mode(settings)
        else:
            run_local_mode(" ".join(args.local or []), announce=args.local is None)
    except ConfigError as error:
        sys.exit(str(error))


def run_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.app import build_app_from_settings
    from bot.config import startup_failure

    settings.require_socket_mode()
    configure_logging()
    app = build_app_from_settings(settings)
    logging.getLogger("vram.bot").info("connecting to Slack in Socket Mode")
    handler = SocketModeHandler(app, settings.app_token)
    try:
        handler.start()  # apps.connections.open with SLACK_APP_TOKEN, then blocks
    except SlackApiError as error:
        handler.close()
        status = getattr(error.response, "status_code", None) or 0
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if status >= 500 or status == 429 or not code or code.startswith("Received a response"):
            raise ConfigError(startup_failure(error, app.client, "apps.connections.open")) from None
        raise ConfigError(
            f"Slack refused a Socket Mode connection (apps.connections.open: {code}). Check "
            "SLACK_APP_TOKEN (an app-level token with connections:write) and that Socket Mode is on."
        ) from None
    except (OSError, ValueError) as error:  # unreachable, timed out, broken JSON
        handler.close()
        raise ConfigError(startup_failure(error, app.client, "apps.connections.open")) from None
    except KeyboardInterrupt:
        handler.close()


def run_local_mode(question: str, announce: bool) -> None:
    from bot.local import run_once, run_repl

    configure_logging(default_level="WARNING")  # the replies are the output; keep logs quiet
    if question:
        run_once(question)
        return
    if announce:
        print("No SLACK_BOT_TOKEN or SLACK_APP_TOKEN set: starting local mode.")
    run_repl()


if __name__ == "__main__":
    main()
