"""Renderings for Slack: Block Kit for the client, plain text for notifications and the terminal."""
