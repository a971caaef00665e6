"""Blob storage adapters: a local folder and an S3-compatible bucket."""

from adapters.storage.local import LocalBlobStorage
from adapters.storage.s3 import S3BlobStorage

__all__ = ("LocalBlobStorage", "S3BlobStorage")
