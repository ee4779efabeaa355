"""socialpolicy-bot: a school's social networking policy, answered and enforced in chat."""
