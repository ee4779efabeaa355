"""The school's saved answers: SLT's replies kept as the answer to a question, given first to
later questions that mean the same, and looked at again when the policy changes."""
