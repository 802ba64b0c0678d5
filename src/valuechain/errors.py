"""User-facing errors: problems the user can fix, each carrying what to do next.

The command line prints a :class:`UserError` as its message followed by its ``hint``, with no
traceback; it never inspects the message text to choose what to say.
"""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """A problem the user can fix (a path, an option, a file); printed without a traceback.

    Attributes:
        hint: what to do next, printed after the message.
    """

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint
