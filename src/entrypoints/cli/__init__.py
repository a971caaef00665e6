"""The `askvideo` command line."""
