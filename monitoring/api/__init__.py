"""API endpoints of monitoring: local agreements, realisation summaries, allocation reports."""
