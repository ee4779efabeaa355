"""The composition root: settings, start-up, the web app, the scheduled jobs and the CLI.

The only package that knows every layer; nothing imports it.
"""
