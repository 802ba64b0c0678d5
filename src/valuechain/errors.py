"""User-facing errors: problems the user can fix, each carrying what to do next.

The command line prints a :class:`UserError` as its message followed by its ``hint``, with no
traceback; it never inspects the message text to choose what to say. Errors about the keys of a
file (a scenario, an experiment) are a :class:`ProblemsError` listing :class:`Problem` s, each
naming the file (or option) that set the value, the key path, the value and what was expected,
formatted the same way whichever stage found them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "HINT_SCENARIO",
    "MISSING",
    "Problem",
    "ProblemsError",
    "Related",
    "ScenarioError",
    "UserError",
    "show_value",
]

#: the longest value printed in a problem before it is cut with "..."
_MAX_SHOWN_CHARS = 80


class UserError(Exception):
    """A problem the user can fix (a path, an option, a file); printed without a traceback.

    Attributes:
        hint: what to do next, printed after the message.
    """

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


class _Missing:
    """The value of a key that is not there (printed as nothing, never as ``None``)."""

    def __repr__(self) -> str:
        return "<missing>"


#: stands for the value of a key that was not given
MISSING: Any = _Missing()


def show_value(value: Any) -> str:
    """A value as the user wrote it (TOML spelling for ``true``, ``inf``), cut to one line."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= _MAX_SHOWN_CHARS else text[: _MAX_SHOWN_CHARS - 3] + "..."


@dataclass(frozen=True)
class Related:
    """Another value a check across keys involved: where it was set, its key, its value."""

    source: str
    path: str
    value: Any

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        if self.value is MISSING:
            return f"{where}{self.path}"
        return f"{where}{self.path} = {show_value(self.value)}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where the value was set, its key, its value, the rule.

    Attributes:
        source: the file (or option, such as ``--set``) that set the value.
        path: the dotted key path, as the user writes it.
        value: the value, or :data:`MISSING` when there is none to show.
        expected: what was expected, or the rule that was broken.
        related: the other values a check across keys involved, each with its own source.
    """

    source: str
    path: str
    value: Any
    expected: str
    related: tuple[Related, ...] = ()

    def __str__(self) -> str:
        head = str(Related(self.source, self.path or "(top level)", self.value))
        lines = [f"{head}: {self.expected}"]
        lines += [f"    with {r}" for r in self.related]
        return "\n".join(lines)


class ProblemsError(UserError):
    """A file that cannot be used; ``problems`` lists every reason found, all at once."""

    def __init__(self, problems: Sequence[Problem], *, subject: str, hint: str):
        self.problems = list(problems)
        n = len(self.problems)
        lines = "\n".join("  - " + str(p).replace("\n", "\n    ") for p in self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in {subject}:\n{lines}", hint)


HINT_SCENARIO = (
    "fix the key in the file named (or the --set value); "
    "`valuechain validate FILE` checks a file without running it"
)


class ScenarioError(ProblemsError):
    """A scenario that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], hint: str = HINT_SCENARIO, subject: str = ""):
        super().__init__(problems, subject=subject or "the scenario", hint=hint)
