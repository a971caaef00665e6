"""Group use cases: collections of the owner's videos, ordered, and shared through revocable links."""
