"""Checks of what the bot sends against the platforms' published rules, run on every payload
the test suite produces (the stand-ins call them), so a rule broken anywhere fails a test."""
