"""Formulas of linked factor keys: arithmetic in one variable ``x``, parsed safely.

A linked key of an experiment factor (:mod:`valuechain.experiments.spec`) may be set from
the factor's value ``x`` by a formula such as ``"2.5e6 * x ** 0.8"``. The text is parsed
with :mod:`ast` and only these forms are accepted: numbers, the name ``x``, the operators
``+ - * / **``, unary ``+``/``-``, parentheses, and calls of :data:`FUNCTIONS` (``min``,
``max``, ``abs``, ``log``, ``exp``, ``sqrt``). Anything else (attributes, other names,
strings, subscripts, lambdas, comparisons, ``__import__('os')``) is refused before anything
is evaluated; nothing is ever passed to :func:`eval`. Arithmetic is in floats, so an
overflow, a division by zero or a logarithm of a negative number is a
:class:`FormulaError`, not a hang or a crash.

Example:
    >>> capex = parse_formula("2.5e6 * x ** 0.8")
    >>> round(capex(1000.0))
    629462494
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FUNCTIONS", "MAX_FORMULA_CHARS", "Formula", "FormulaError", "parse_formula"]

#: The functions a formula may call, and how many arguments each takes (low, high).
FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "abs": (abs, 1, 1),
    "log": (math.log, 1, 1),
    "exp": (math.exp, 1, 1),
    "sqrt": (math.sqrt, 1, 1),
}
#: The longest formula accepted (a formula is a short rule, not a program).
MAX_FORMULA_CHARS = 200
#: The variable: the factor's value at a design point.
VARIABLE = "x"

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_ALLOWED = "numbers, x, + - * / **, parentheses and " + ", ".join(f"{f}()" for f in FUNCTIONS)


class FormulaError(ValueError):
    """A formula that cannot be parsed or gives no finite number."""


def _check(node: ast.AST) -> None:
    """Refuse every node that is not part of the allowed arithmetic."""
    if isinstance(node, ast.Expression):
        _check(node.body)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number (allowed: {_ALLOWED})")
    elif isinstance(node, ast.Name):
        if node.id != VARIABLE:
            raise FormulaError(f"unknown name {node.id!r} (the factor's value is {VARIABLE})")
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = name or ast.unparse(node.func)
            raise FormulaError(f"a call of {shown!r} (allowed: {', '.join(FUNCTIONS)})")
        low, high = FUNCTIONS[name][1:]
        if node.keywords or not low <= len(node.args) <= high:
            raise FormulaError(f"{name}() takes {low}..{high} plain arguments")
        for arg in node.args:
            _check(arg)
    else:
        raise FormulaError(f"{ast.unparse(node)!r} is not allowed (allowed: {_ALLOWED})")


def _evaluate(node: ast.AST, x: float) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, x)
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, x), _evaluate(node.right, x))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, x))
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return x
    call = node  # an ast.Call of FUNCTIONS (checked when parsed)
    function = FUNCTIONS[call.func.id][0]  # type: ignore[attr-defined]
    return float(function(*(_evaluate(a, x) for a in call.args)))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Formula:
    """A parsed formula in ``x``; call it with a value of ``x``.

    Attributes:
        text: the formula as written.
    """

    text: str
    tree: ast.Expression

    def __call__(self, x: float) -> float:
        """The formula's value at ``x``.

        Raises:
            FormulaError: the value is not a finite number (overflow, division by zero, a
                logarithm or square root of a negative number, a complex power).
        """
        try:
            value = _evaluate(self.tree, float(x))
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise FormulaError(f"no value at x = {x:g} ({exc})") from None
        if not isinstance(value, float) or not math.isfinite(value):
            raise FormulaError(f"no finite value at x = {x:g} (it gives {value})")
        return value


def parse_formula(text: str) -> Formula:
    """Parse ``text`` as a formula in ``x`` (see the module docstring for what is allowed).

    Raises:
        FormulaError: the text is too long, not an expression, or uses anything outside the
            allowed arithmetic (the message says what and what is allowed).
    """
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"a formula of at most {MAX_FORMULA_CHARS} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a formula ({exc.msg}); allowed: {_ALLOWED}") from None
    _check(tree)
    return Formula(text, tree)
