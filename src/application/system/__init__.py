"""System use cases: readiness and the queue round-trip check."""
