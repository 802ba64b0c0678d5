"""Recompute the stored summaries of the shipped scenarios.

Run it only when a change of behaviour is intended, then review the diff of
``expected_summaries.json`` in the same commit as the change::

    python -m tests.regression.update_expected && git diff tests/regression/
"""

import json

from tests.regression.regression_cases import EXPECTED, SCENARIOS, summaries


def main() -> None:
    data = {name: summaries(name) for name in SCENARIOS}
    EXPECTED.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {EXPECTED}")


if __name__ == "__main__":
    main()
