"""Video use cases: upload, process (transcribe, cut, index), list, read, edit, delete, retry, transcripts, media."""
