"""The project's exceptions: one type per kind of trouble, each naming op, value and node."""


class ArityError(ValueError):
    """An op applied to a number of inputs it does not take, e.g. `neuron` with an even count."""


class MathError(ArithmeticError):
    """Base of every numerical error the engine raises (catch this to catch them all)."""


class DomainError(MathError, ValueError):
    """An operation was applied outside its domain, e.g. log(x) with x <= 0."""


class DivisionByZeroError(MathError, ZeroDivisionError):
    """A division by zero, e.g. x / 0 or 0 ** -1."""


class NumericOverflowError(MathError, OverflowError):
    """A forward value left the floating-point range, e.g. exp(1000)."""


class NonFiniteGradientError(MathError):
    """A gradient became inf or nan during backward; the message names the node and edge."""
