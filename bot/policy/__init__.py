"""The policy document: its model, its parser and its search."""
