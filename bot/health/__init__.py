"""Whether the bot is working: its sweeps' last runs, deliveries failing, the policy's review
date and what is not configured, for SLT and the account administrators."""
