"""The front ends: `present` decides what users see, `slack` and `teams` render it."""
