"""The REST API for housing corporations under /api/v1/: tokens, scoping, throttling, docs."""
