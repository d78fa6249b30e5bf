"""The one table of primitive operations (NNDL §4.1, §4.5.3).

Every primitive is one `Op`: its forward function and its *local derivative rules*,
∂out/∂input_i as functions of the inputs and the output. Reverse mode (`Value.backward`), the
visualizer's step-through and chain-rule explainer, the gradient checks, the compiled replay,
nn's activations, the expression language and the torch bridge all read these rows, so adding
an operation is adding one row to `micrograd_nndl.ops.table`.

`op` holds what an op is (`Op`, its kinds, how the table's functions dispatch), `numeric` the
functions forwards are written with (on floats and arrays alike), `table` the rows and `fn`,
`js` the helpers the rows' JavaScript forms call.
"""

from .js import JS_PRELUDE
from .numeric import (
    clip,
    d_cos,
    d_erf,
    d_exp,
    d_expm1,
    d_log,
    d_log1p,
    d_sigmoid,
    d_sin,
    d_sqrt,
    d_tanh,
    is_array,
    logistic,
    logistic_float,
    where,
)
from .op import (
    BINARY,
    CONSTANT_OPERAND,
    JS,
    NARY,
    UNARY,
    UNARY_PARAM,
    Arity,
    Op,
    Torch,
    as_function,
    register_applier,
)
from .table import OPS, fn, normal_cdf, normal_pdf

__all__ = [
    "BINARY",
    "CONSTANT_OPERAND",
    "JS",
    "JS_PRELUDE",
    "NARY",
    "OPS",
    "UNARY",
    "UNARY_PARAM",
    "Arity",
    "Op",
    "Torch",
    "as_function",
    "clip",
    "d_cos",
    "d_erf",
    "d_exp",
    "d_expm1",
    "d_log",
    "d_log1p",
    "d_sigmoid",
    "d_sin",
    "d_sqrt",
    "d_tanh",
    "fn",
    "is_array",
    "logistic",
    "logistic_float",
    "normal_cdf",
    "normal_pdf",
    "register_applier",
    "where",
]

# Tracebacks, reprs and pickles name the classes where users import them from.
for _cls in (Arity, JS, Op, Torch):
    _cls.__module__ = __name__
