"""API endpoints for the reference data: municipalities and target groups."""
