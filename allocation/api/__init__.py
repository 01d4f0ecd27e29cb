"""API endpoint of the approved fair-share targets."""
