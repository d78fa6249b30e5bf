"""micrograd-nndl: a scalar autodiff engine for NNDL chapter 4 (Qiu Xipeng) and d2l.ai."""

from .engine import (
    Value,
    apply,
    backward_order,
    is_grad_enabled,
    maxout,
    no_grad,
    topological_order,
)
from .errors import (
    DivisionByZeroError,
    DomainError,
    MathError,
    NonFiniteGradientError,
    NumericOverflowError,
)
from .expr import Expression, ExpressionError, parse
from .gradcheck import GradcheckError, gradcheck, numeric_grads
from .ops import OPS, Op

__all__ = [
    "OPS",
    "DivisionByZeroError",
    "DomainError",
    "Expression",
    "ExpressionError",
    "GradcheckError",
    "MathError",
    "NonFiniteGradientError",
    "NumericOverflowError",
    "Op",
    "Value",
    "apply",
    "backward_order",
    "gradcheck",
    "is_grad_enabled",
    "maxout",
    "no_grad",
    "numeric_grads",
    "parse",
    "topological_order",
]
__version__ = "0.1.0"
