"""Readers that turn a school's policy file into a `PolicyDocument`.

Each format has a reader that emits a flat stream of blocks (`blocks.py`); one shared cleanup
(`cleanup.py`) drops what is not policy text, and one builder turns any stream into sections, so
every format agrees on what a heading, a list and a list's lead-in are.
"""
