"""The regional mediation table (regionale bemiddelingstafel)."""
