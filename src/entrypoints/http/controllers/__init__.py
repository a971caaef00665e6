"""HTTP controllers: thin adapters from requests to use cases."""
