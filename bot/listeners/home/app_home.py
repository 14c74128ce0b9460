"""The Home tab, published (views.publish) each time someone opens it.

An example run from Home (a what-if button in the view) is answered by publishing the tab
again with that answer at the top: bot.listeners.actions.what_if calls `show_in_home`.
"""

import logging

from slack_sdk import WebClient

from bot.post import api_failure
from bot.render.home import home_view

log = logging.getLogger("vram.bot")


def publish_home(event: dict, client: WebClient) -> None:
    if event.get("tab") != "home":
        return  # the Messages tab: nothing to publish
    show_in_home(client, event["user"])


def show_in_home(client: WebClient, user: str, tried: list[dict] | None = None) -> bool:
    try:
        client.views_publish(user_id=user, view=home_view(tried))
        return True
    except Exception as error:
        failure, _, _ = api_failure(error, client)
        log.error("could not publish the Home tab: views.publish %s", failure)
        return False
