"""`Value`, a scalar that records the computation graph (NNDL §4.5.3), and `new_node`, the one
way a node is built (`+` and `*` of two Values write it out, measured beside them).

A node keeps its value, gradient, label, op (an entry of `ops.OPS`, or its form with a constant
operand), inputs, and the number its op takes. With `__slots__` and no closures, a graph holds
no reference cycles and costs little memory. The slots are the engine package's own: its walks
read them directly in their hot loops.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

from ..ops import BINARY, OPS, UNARY, UNARY_PARAM, Op, register_applier
from .checks import checked_forward, finite_float, node_name, raise_out_of_range, raise_overflow
from .fast_backward import backprop
from .grad_mode import modes_off, thread_mode
from .micrograd_compat import from_micrograd, micrograd_backward, micrograd_op, micrograd_prev
from .walks import local_floats, topological_order

__all__ = ["Value", "apply", "as_value", "new_node"]

_new = object.__new__

_ADD, _SUB, _MUL, _DIV, _POW = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["pow"]
_ADD_C, _MUL_C = _ADD.with_constant("right"), _MUL.with_constant("right")
_SUB_C, _RSUB_C = _SUB.with_constant("right"), _SUB.with_constant("left")
_DIV_C, _RDIV_C = _DIV.with_constant("right"), _DIV.with_constant("left")
_POW_C = _POW.with_constant("right")
_OP_EXP, _OP_SIN, _OP_COS, _OP_ERF = OPS["exp"], OPS["sin"], OPS["cos"], OPS["erf"]
_OP_NEG, _OP_ABS, _OP_SIGMOID, _OP_TANH = OPS["neg"], OPS["abs"], OPS["sigmoid"], OPS["tanh"]
_OP_RELU, _OP_SOFTPLUS, _OP_MISH = OPS["relu"], OPS["softplus"], OPS["mish"]
_OP_HARD_SIGMOID, _OP_HARD_TANH = OPS["hard_sigmoid"], OPS["hard_tanh"]


class Value:
    """A scalar in a computation graph: f = (w*x + b).sigmoid(); f.backward(); w.grad.

    `data` is the forward value (a finite float: assignments are checked) and `grad` the
    derivative ∂f/∂self from `f.backward()` (0.0 until a backward pass reaches it; see
    `has_grad`). A leaf's grad accumulates over several backward calls, as in PyTorch. `op`
    and `parents` say how the node was made. Comparisons (<, <=, >, >=) compare `data`; `==`
    is identity, so nodes can be dict keys.
    """

    __slots__ = ("_data", "_grad", "_made_by", "_x", "_y", "_k", "label")
    # Private slots are Any to the type checker: the walks read them unchecked in hot loops,
    # where the op's kind says which are set; the public properties have the precise types.
    # One more slot (all inputs as a tuple) would cost 24 bytes per chain step, over #10's 400.
    _data: Any  # float (the engine reads the slot; `data` checks what users assign)
    label: str
    _grad: Any  # float, or None while no backward pass has reached the node
    _made_by: Any  # the Op, or None for a leaf
    _x: Any  # the input of a one-input op, the first of a binary op, an n-ary op's tuple
    _y: Any  # the second input of a binary op
    _k: Any  # the number the op takes: UNARY_PARAM's parameter, CONSTANT_OPERAND's operand

    def __init__(
        self, data: float, _children: Sequence[Value] | str = (), _op: str = "", label: str = ""
    ) -> None:
        """Value(2.0, "x") or Value(2.0, label="x"): a leaf. micrograd's Value(data, (a, b), '+')
        builds the node that op makes of those inputs (see `micrograd_compat`)."""
        children: Any = _children
        # `children and` first: a leaf costs one test, not an isinstance call (350 -> 315 ns)
        if children and isinstance(children, str):  # Value(2.0, "x"): the label, second
            if _op or label:
                raise TypeError(f"Value({data!r}, {children!r}, ...): the label is given twice")
            label, children = children, ()
        if type(label) is not str:
            raise TypeError(f"Value label must be a string, not {type(label).__name__}")
        if type(data) is not float or data - data != 0.0:  # the common case costs one test
            data = finite_float(data, f"Value(data) for {label!r}" if label else "Value(data)")
        self._data = data
        self._grad = self._made_by = self._x = self._y = self._k = None
        self.label = label
        if children or _op != "":  # micrograd's form (see micrograd_compat): the node it names
            made = from_micrograd(self, children, _op, apply)
            self._data, self._made_by = made._data, made._made_by
            self._x, self._y, self._k = made._x, made._y, made._k

    # ---- what a node is ---------------------------------------------------------------------

    @property
    def data(self) -> float:
        """The forward value. Assigning it (an update, p.data -= lr * p.grad) checks that it is
        a finite real number, so a nan or a string never reaches a later op silently."""
        return self._data

    @data.setter
    def data(self, value: float) -> None:
        if type(value) is not float or value - value != 0.0:
            value = finite_float(value, f"the data of {node_name(self)}")
        self._data = value

    @property
    def grad(self) -> float:
        """∂root/∂self after `root.backward()`; 0.0 while no backward pass has reached it."""
        g = self._grad
        return 0.0 if g is None else g

    @grad.setter
    def grad(self, value: float) -> None:
        """Finite only, leaf or inner: a hand-written backward's nan shows at once
        (`store_grads` writes backward()'s own numbers, an inner nan included)."""
        self._grad = finite_float(value, f"the grad of {node_name(self)}")

    @property
    def has_grad(self) -> bool:
        """True once a backward pass has reached this node (or its grad was set by hand)."""
        return self._grad is not None

    @property
    def op(self) -> str:
        """The name of the op that made this node ("" for a leaf)."""
        op = self._made_by
        return "" if op is None else op.name

    @property
    def op_info(self) -> Op | None:
        """The op-table entry that made this node (None for a leaf)."""
        return self._made_by

    @property
    def parents(self) -> tuple[Value, ...]:
        """The graph inputs of this node, in argument order (constants are not nodes)."""
        op = self._made_by
        if op is None:
            return ()
        kind = op.kind
        if kind < BINARY:
            return (self._x,)
        if kind == BINARY:
            return (self._x, self._y)
        return self._x

    @property
    def constant(self) -> float | None:
        """The op's number stored in the node: the constant operand (1.0001 in y * 1.0001) or
        the parameter (γ in leaky_relu(x, γ)); None if its op takes none."""
        return self._k

    @property
    def is_leaf(self) -> bool:
        """True for a node made by the user (an input or parameter), not by an op."""
        return self._made_by is None

    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parent_i for each parent, from the op table's rules (the edges of §4.5.3)."""
        return local_floats(self)

    # micrograd's names, for the code of its notebooks and lecture (see micrograd_compat)
    _prev = property(micrograd_prev)
    _op = property(micrograd_op)
    _backward = micrograd_backward

    def __format__(self, spec: str) -> str:
        """f"{v:.4f}" formats v.data; f"{v}" is str(v)."""
        return format(self._data, spec) if spec else str(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._made_by is not None else ""
        grad = f", grad={self._grad!r}" if self._grad is not None else ""
        return f"Value(data={self._data!r}{grad}{label}{op})"

    # Comparisons compare `data` and return a bool (not differentiable), so rules such as
    # relu's `x > 0` read the same on floats and Values. `==` and hash stay object's: identity.
    def __lt__(self, other: Value | float) -> bool:
        return self._data < (other._data if isinstance(other, Value) else other)

    def __le__(self, other: Value | float) -> bool:
        return self._data <= (other._data if isinstance(other, Value) else other)

    def __gt__(self, other: Value | float) -> bool:
        return self._data > (other._data if isinstance(other, Value) else other)

    def __ge__(self, other: Value | float) -> bool:
        return self._data >= (other._data if isinstance(other, Value) else other)

    # ---- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        if type(other) is Value:
            r = self._data + other._data
            if r - r != 0.0:
                raise_overflow(_ADD, (self, other), r)
            # new_node() written out for Value + Value and Value * Value: the wide sum of 2·10⁴
            # pairs builds in 17.3 ms so, 19.8 ms through new_node() (medians of 60 runs). For a
            # constant operand it saved 1.0 ms of the chain's 17.7 (2·10⁴ steps): not written out.
            v = _new(Value)
            v._data = r
            v._grad = v._k = None
            if not modes_off or thread_mode.recording:
                v._made_by, v._x, v._y = _ADD, self, other
            else:
                v._made_by = v._x = v._y = None
            v.label = ""
            return v
        if type(other) is not float:
            if type(other) is not int and not isinstance(other, Real):
                return NotImplemented
            other = finite_float(other, "the constant in +")
        r = self._data + other
        if r - r != 0.0:
            raise_overflow(_ADD_C, (self,), r, other)
        return new_node(r, _ADD_C, self, None, other)

    __radd__ = __add__

    def __mul__(self, other: Value | float) -> Value:
        if type(other) is Value:
            r = self._data * other._data
            if r - r != 0.0:
                raise_overflow(_MUL, (self, other), r)
            v = _new(Value)  # new_node() written out, as in __add__
            v._data = r
            v._grad = v._k = None
            if not modes_off or thread_mode.recording:
                v._made_by, v._x, v._y = _MUL, self, other
            else:
                v._made_by = v._x = v._y = None
            v.label = ""
            return v
        if type(other) is not float:
            if type(other) is not int and not isinstance(other, Real):
                return NotImplemented
            other = finite_float(other, "the constant in *")
        r = self._data * other
        if r - r != 0.0:
            raise_overflow(_MUL_C, (self,), r, other)
        return new_node(r, _MUL_C, self, None, other)

    __rmul__ = __mul__

    # −, ÷ and ** of a Value and a Value or a float take a short way when the result is finite
    # and no check can fail; anything else goes through `_binary` and `apply`. The GPT step
    # makes 1,000 such nodes: 0.4-0.7 µs each the short way, 1.7-3.0 µs through `apply`.
    def __sub__(self, other: Value | float) -> Value:
        if type(other) is Value:
            r = self._data - other._data
            if r - r == 0.0:
                return new_node(r, _SUB, self, other)
        elif type(other) is float:
            r = self._data - other
            if r - r == 0.0:
                return new_node(r, _SUB_C, self, None, other)
        return _binary(_SUB, self, other, "right")

    def __rsub__(self, other: float) -> Value:
        if type(other) is float:
            r = other - self._data
            if r - r == 0.0:
                return new_node(r, _RSUB_C, self, None, other)
        return _binary(_SUB, self, other, "left")

    def __truediv__(self, other: Value | float) -> Value:
        if type(other) is Value:
            d = other._data
            if d != 0.0:
                r = self._data / d
                if r - r == 0.0:
                    return new_node(r, _DIV, self, other)
        elif type(other) is float and other - other == 0.0 and other != 0.0:
            r = self._data / other
            if r - r == 0.0:
                return new_node(r, _DIV_C, self, None, other)
        return _binary(_DIV, self, other, "right")

    def __rtruediv__(self, other: float) -> Value:
        d = self._data
        if type(other) is float and d != 0.0:
            r = other / d
            if r - r == 0.0:
                return new_node(r, _RDIV_C, self, None, other)
        return _binary(_DIV, self, other, "left")

    def __pow__(self, other: Value | float) -> Value:
        if type(other) is int:  # x ** 2
            other = finite_float(other, "the constant in pow")
        if type(other) is float and other - other == 0.0:
            a = self._data
            if a > 0.0 or other.is_integer():  # a real power (0 ** −1 is caught below)
                try:
                    r = a**other
                except (OverflowError, ZeroDivisionError):
                    r = math.inf  # `apply` reports it
                if r - r == 0.0:
                    return new_node(r, _POW_C, self, None, other)
        return _binary(_POW, self, other, "right")

    def __rpow__(self, other: float) -> Value:
        return _binary(_POW, self, other, "left")

    def __neg__(self) -> Value:
        return _unary(_OP_NEG, self)

    def __abs__(self) -> Value:
        return _unary(_OP_ABS, self)

    # ---- elementary functions -----------------------------------------------------------------

    def exp(self) -> Value:
        """exp(x); d/dx = exp(x). Overflows (error) for x > 709.78."""
        return _unary(_OP_EXP, self)

    def log(self) -> Value:
        """Natural logarithm; needs x > 0; d/dx = 1/x."""
        return apply(OPS["log"], self)

    def sqrt(self) -> Value:
        """√x; needs x >= 0; d/dx = 1/(2√x) (infinite at 0: backward reports it)."""
        return apply(OPS["sqrt"], self)

    def erf(self) -> Value:
        """The error function; d/dx = (2/√π)·exp(−x²). Φ(x) = (1 + erf(x/√2))/2 (GELU)."""
        return _unary(_OP_ERF, self)

    def sin(self) -> Value:
        """sin x; d/dx = cos x."""
        return _unary(_OP_SIN, self)

    def cos(self) -> Value:
        """cos x; d/dx = −sin x."""
        return _unary(_OP_COS, self)

    # ---- activation functions (NNDL §4.1) -----------------------------------------------------

    def sigmoid(self) -> Value:
        """Logistic σ(x) = 1/(1 + exp(−x)); σ' = σ(1 − σ) ≤ 0.25. One node for the book's six."""
        return _unary(_OP_SIGMOID, self)

    def tanh(self) -> Value:
        """tanh x = 2σ(2x) − 1; tanh' = 1 − tanh² ≤ 1."""
        return _unary(_OP_TANH, self)

    def hard_sigmoid(self) -> Value:
        """Hard-logistic max(min(0.25x + 0.5, 1), 0); derivative 0.25 on (−2, 2), else 0."""
        return _unary(_OP_HARD_SIGMOID, self)

    def hard_tanh(self) -> Value:
        """max(min(x, 1), −1); derivative 1 on (−1, 1), 0 elsewhere and at ±1."""
        return _unary(_OP_HARD_TANH, self)

    def relu(self) -> Value:
        """max(0, x); derivative 1 for x > 0, 0 for x <= 0 (relu'(0) = 0, as PyTorch)."""
        x = self._data  # the table's forward written out: the chain builds in 29.5 ms, not 34
        return new_node(x if x > 0.0 else 0.0, _OP_RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x if x > 0 else γx (γ = slope); derivative 1 or γ, and γ at 0."""
        return apply(OPS["leaky_relu"], self, slope)

    def prelu(self, slope: Value | float) -> Value:
        """x if x > 0 else γx with a learnable γ (a Value): ∂/∂x = 1 or γ, ∂/∂γ = min(0, x)."""
        return apply(OPS["prelu"], self, as_value(slope, "γ"))

    def elu(self, alpha: float = 1.0) -> Value:
        """x if x > 0 else α(exp(x) − 1); derivative 1 or α·exp(x), and α at 0."""
        return apply(OPS["elu"], self, alpha)

    def mish(self) -> Value:
        """x·tanh(softplus(x)), smooth and non-monotonic like swish; derivative in the table."""
        return _unary(_OP_MISH, self)

    def softplus(self) -> Value:
        """log(1 + exp(x)), computed without overflow; derivative σ(x)."""
        return _unary(_OP_SOFTPLUS, self)

    def swish(self, beta: Value | float = 1.0) -> Value:
        """x·σ(βx); β a number, or a Value to learn it (then ∂/∂β = x²σ(βx)(1 − σ(βx)))."""
        return apply(OPS["swish"], self, beta)  # a Value β applies the twin, swish_learnable

    def gelu(self, approximate: str = "none") -> Value:
        """x·Φ(x) (exact, with erf); approximate="tanh" or "sigmoid" (x·σ(1.702x))."""
        names = {"none": "gelu", "tanh": "gelu_tanh", "sigmoid": "gelu_sigmoid"}
        if approximate not in names:
            raise ValueError(
                f"gelu(approximate=...) must be one of {sorted(names)}, not {approximate!r}"
            )
        return apply(OPS[names[approximate]], self)

    # ---- reverse mode -------------------------------------------------------------------------

    def backward(self) -> None:
        """Back-propagate ∂self/∂node into every node's `grad` (NNDL §4.5.3, reverse mode).

        Leaves' gradients *accumulate* across calls, as in PyTorch: call `zero_grad()` (here or
        on a model) between steps; each leaf adds this call's sum once the pass is complete.
        Intermediate nodes hold the gradient of the latest call. A gradient that turns inf or
        nan raises `NonFiniteGradientError` naming the edge where it appeared, and no leaf's
        gradient changes. Interrupted anywhere, a leaf holds its old gradient or the new one.
        """
        backprop(self)  # fast_backward.py; the chain rule reads plainly in reference.py

    def zero_grad(self) -> None:
        """Reset the gradient of every node of this graph to not computed (reads as 0.0)."""
        for node in topological_order(self):
            node._grad = None


# ---- building nodes: `new_node`, and `apply` which computes and checks what it builds ----


def new_node(data: float, op: Op, x: Any, y: Any = None, k: Any = None) -> Value:
    """Build a node made by `op` from inputs x (and y), taking the number k (a leaf under
    `no_grad()`); `+` and `*` write this out."""
    v = _new(Value)
    v._data = data
    v._grad = None
    v.label = ""
    if not modes_off or thread_mode.recording:
        v._made_by = op
        v._x = x
        v._y = y
        v._k = k
    else:
        v._made_by = v._x = v._y = v._k = None
    return v


def as_value(x: Value | float, label: str = "") -> Value:
    """x itself if a Value, else a leaf holding the finite float x."""
    if isinstance(x, Value):
        return x
    return Value(finite_float(x, f"the operand {label}".strip()), label)


def _binary(op: Op, x: Value, other: Value | float, side: str) -> Value:
    if isinstance(other, Value):
        return apply(op, x, other) if side == "right" else apply(op, other, x)
    if not isinstance(other, Real):
        return NotImplemented
    return apply(op.with_constant(side), x, finite_float(other, f"the constant in {op.name}"))


def _unary(op: Op, x: Value) -> Value:
    """`apply` for a one-input op without domain check: the common case, kept short (calling
    a function for the forward made 1.5·10⁵ exp, log and tanh nodes 7% slower to build)."""
    try:
        r = op.forward(x._data)
    except (OverflowError, ValueError):
        raise_out_of_range(op, x)
    if r - r != 0.0:
        raise_overflow(op, (x,), r)
    return new_node(r, op, x)


def apply(op: Op, *args: Any) -> Value:
    """Apply a table op: apply(OPS["log"], x), apply(OPS["leaky_relu"], x, 0.1).

    Graph inputs are `Value`s (numbers are wrapped as leaves for BINARY and NARY ops); the
    parameter of a UNARY_PARAM op is a number, its `default` when left out, or a Value, which
    applies the op's learnable `twin` (leaky_relu -> prelu); a CONSTANT_OPERAND op takes its
    constant after the input. A count of inputs the op does not take raises ArityError.
    Domain and overflow errors name op and nodes.
    """
    kind = op.kind
    if kind == UNARY_PARAM and len(args) == 1 and op.default is not None:
        args = (*args, op.default)
    elif kind == UNARY_PARAM and len(args) == 2 and isinstance(args[1], Value) and op.twin:
        op, kind = OPS[op.twin], BINARY
    takes_number = op.takes_number
    op.check_arity(len(args) - 1 if takes_number else len(args))
    if not isinstance(args[0], Value) and kind < BINARY:
        raise TypeError(f"{op.name}: the input must be a Value, not {type(args[0]).__name__}")
    inputs: tuple[Value, ...]
    fargs: tuple[Any, ...]  # what the op's forward function takes
    x: Any  # the node's slots: see Value
    y: Any = None
    k: Any = None
    if kind == UNARY:
        (x,) = args
        inputs, fargs = (x,), (x._data,)
    elif takes_number:
        x, k = args
        if type(k) is not float or k - k != 0.0:
            where = "the constant in" if op.constant_side else "the parameter of"
            k = finite_float(k, f"{where} {op.name} ({op.param_name or op.param})")
        inputs, fargs = (x,), (x._data, k)
    elif kind == BINARY:
        x, y = (as_value(v) for v in args)
        inputs, fargs = (x, y), (x._data, y._data)
    else:
        x = inputs = tuple(as_value(v) for v in args)
        fargs = (tuple(v._data for v in inputs), None)
    return new_node(checked_forward(op, inputs, fargs, k), op, x, y, k)


def _apply_for_table(op: Op, *args: Any) -> Value:
    """How `ops.fn` builds a Value: `_unary`'s short way where it can (nn's activations)."""
    if op.kind == UNARY and op.check is None and len(args) == 1:
        return _unary(op, args[0])
    return apply(op, *args)


register_applier(Value, _apply_for_table)
