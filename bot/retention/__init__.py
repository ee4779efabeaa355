"""How long records are kept, and what is removed when that time is up."""
