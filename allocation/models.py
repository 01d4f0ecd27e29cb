"""Models of fair-share methodologies, scenarios, runs and results."""
