"""Models of local agreements, objections, realisation and monitoring."""
