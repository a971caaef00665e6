"""Ports: the `typing.Protocol` interfaces the use cases need, implemented in `adapters`."""
