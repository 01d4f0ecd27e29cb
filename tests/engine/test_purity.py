"""The engine is pure pandas/numpy: it imports and computes with Django made unimportable."""

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import sys
sys.modules["django"] = None  # any `import django...` now raises ImportError
import pandas as pd
from allocation.engine import (
    apportion, apportion_many, InfeasibleAllocation, METHODS,
    GroupRule, Methodology, allocate_fair_share, sweep, ENGINE_VERSION, default_methodology,
)
indicators = pd.DataFrame({"inhabitants": [2, 1], "social_rent_turnover": [3, 3]}, index=["GM1", "GM2"])
rule = GroupRule("a", {"inhabitants": 1.0}, capped=True)
result = allocate_fair_share(indicators, pd.Series({"a": 2}), Methodology(rules=(rule,)))
assert result["quota"].tolist() == [1, 1], result
assert not [name for name in sys.modules if name.split(".")[0] == "django" and sys.modules[name]]
print("pure")
"""


def test_the_engine_imports_and_runs_without_django():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "pure"
