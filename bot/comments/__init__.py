"""Comments received on school accounts, and the 24-hour duty to answer them."""
