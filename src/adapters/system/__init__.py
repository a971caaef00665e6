"""Adapters for system ports that need no external service."""

from adapters.system.clock import SystemClock

__all__ = ("SystemClock",)
