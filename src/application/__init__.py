"""Use cases (one per user action) and the ports they need. Imports only `domain`."""
