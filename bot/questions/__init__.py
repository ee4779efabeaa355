"""Questions asked of the policy: kept so SLT can see what it fails to answer."""
