"""micrograd-nndl: a scalar autodiff engine for NNDL chapter 4 (Qiu Xipeng) and d2l.ai."""

from .columns import format_columns
from .compile import Compiled, NoArrayFormError, Program, TracingError, compile
from .custom import custom_op, register_op, unregister_op
from .data import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_regression_1d,
    make_spirals,
    make_xor,
)
from .datasets import Dataset, load_digits, load_iris, standardize, train_test_split
from .engine import (
    Edge,
    Value,
    apply,
    backward_edges,
    backward_order,
    edges_of,
    enable_grad,
    is_grad_enabled,
    maxout,
    neuron,
    neurons,
    no_grad,
    topological_order,
)
from .errors import (
    ArityError,
    DivisionByZeroError,
    DomainError,
    MathError,
    NonFiniteGradientError,
    NumericOverflowError,
)
from .expr import Expression, ExpressionError, parse
from .files import NotARegularFileError, read_regular, write_atomic
from .functional import forward_tangents, grad, grad_values, hessian, hvp, jvp
from .gradcheck import (
    CheckReport,
    CheckRow,
    GradcheckError,
    Replay,
    gradcheck,
    gradcheck_params,
    gradcheck_params_report,
    gradcheck_report,
    numeric_grads,
)
from .losses import (
    accuracy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    hinge,
    mse,
    softmax_cross_entropy,
)
from .naming import book_name
from .nn import MLP, Layer, Module, Neuron
from .notation import derivative_text, name_in_formula
from .ops import OPS, Op, fn
from .optim import SGD, Adam, linear_decay
from .serialize import ModelFileError
from .train import History, fit

__all__ = [
    "MLP",
    "Adam",
    "CheckReport",
    "CheckRow",
    "Dataset",
    "History",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "SGD",
    "accuracy",
    "compile",
    "Compiled",
    "NoArrayFormError",
    "Program",
    "TracingError",
    "batches",
    "binary_cross_entropy",
    "book_name",
    "binary_cross_entropy_with_logits",
    "custom_op",
    "derivative_text",
    "fit",
    "fn",
    "format_columns",
    "forward_tangents",
    "grad",
    "grad_values",
    "hessian",
    "hvp",
    "jvp",
    "hinge",
    "linear_decay",
    "load_digits",
    "load_iris",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_regression_1d",
    "make_spirals",
    "make_xor",
    "mse",
    "name_in_formula",
    "neuron",
    "neurons",
    "softmax_cross_entropy",
    "standardize",
    "train_test_split",
    "OPS",
    "ArityError",
    "DivisionByZeroError",
    "DomainError",
    "Expression",
    "ExpressionError",
    "GradcheckError",
    "Replay",
    "MathError",
    "NotARegularFileError",
    "NonFiniteGradientError",
    "NumericOverflowError",
    "Op",
    "Edge",
    "Value",
    "apply",
    "backward_edges",
    "edges_of",
    "backward_order",
    "enable_grad",
    "gradcheck",
    "gradcheck_params",
    "gradcheck_params_report",
    "gradcheck_report",
    "is_grad_enabled",
    "maxout",
    "no_grad",
    "numeric_grads",
    "parse",
    "register_op",
    "unregister_op",
    "read_regular",
    "topological_order",
    "write_atomic",
]
__version__ = "0.1.0"
