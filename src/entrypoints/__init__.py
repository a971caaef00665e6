"""Entrypoints: the HTTP app, the worker, the CLI, and the one container that wires adapters to ports."""
