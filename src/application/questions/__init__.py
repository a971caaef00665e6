"""Question use cases: ask (streamed or not), history, feedback, CSV export."""
