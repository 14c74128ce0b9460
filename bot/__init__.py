"""vram's Slack face: parses Slack payloads, asks the estimator, renders Block Kit.

`python -m bot` runs it (Socket Mode or local mode); `bot.http:create_flask_app()` serves
it over HTTP for gunicorn. Listeners live in bot/listeners, grouped by Slack surface.
"""
