"""Keeping staff's knowledge of the policy current: acknowledgements, review date, gaps."""
