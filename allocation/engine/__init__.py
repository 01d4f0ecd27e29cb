"""The fair-share engine: pure pandas/numpy, frames in, frames out (no Django, no I/O)."""

from allocation.engine.apportionment import (
    METHODS,
    InfeasibleAllocation,
    apportion,
    apportion_many,
)

__all__ = ["METHODS", "InfeasibleAllocation", "apportion", "apportion_many"]
