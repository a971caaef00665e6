"""Account use cases: sign-up to password reset, sessions, profile, personal OpenAI key."""
