"""Second opinions before posting: the policy asks staff to check when in doubt."""
