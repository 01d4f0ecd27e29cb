"""`make bench`: the engine's speed, measured against its peers in the same run."""
