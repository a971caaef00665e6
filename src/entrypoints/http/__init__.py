"""The Litestar HTTP app: `entrypoints.http.app.create_app`."""
