"""API keys: create one (the secret is shown once), list them, revoke one, and authenticate a request by key."""
