"""The policy document: its model, its readers and its search."""
