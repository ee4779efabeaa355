"""Every Block Kit surface the bot shows, built with `slack_sdk.models` (which checks Slack's
limits). Listeners never build blocks themselves."""
