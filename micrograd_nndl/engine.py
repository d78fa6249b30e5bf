"""`Value`: a scalar that records the computation graph, and reverse-mode backward (NNDL §4.5.3).

A node keeps its value, gradient, label, its op (an entry of `ops.OPS`, or that entry's form
with a constant operand), its inputs and the number its op takes (a parameter or a constant
operand). Nodes have `__slots__` and no closures, so a graph holds no reference cycles and
costs little memory.
Traversals are iterative: graphs a million nodes deep work at the default recursion limit.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from .errors import NonFiniteGradientError, NumericOverflowError, in_words
from .notation import derivative_text, name_in_formula
from .ops import BINARY, CONSTANT_OPERAND, NARY, OPS, UNARY, UNARY_PARAM, Op, register_applier

__all__ = [
    "Edge",
    "Value",
    "apply",
    "backward_edges",
    "edges_of",
    "backward_order",
    "enable_grad",
    "maxout",
    "neuron",
    "neurons",
    "no_grad",
    "is_grad_enabled",
    "topological_order",
]


class _GradMode(threading.local):
    """Per thread, as PyTorch's: `no_grad()` in one thread never changes what another records."""

    recording = True  # False inside `no_grad()`: results are leaves (no graph)

    def __init__(self) -> None:
        self.saved: list[bool] = []  # the modes that the open no_grad/enable_grad blocks replaced


_mode = _GradMode()
#: One entry per thread whose mode is off. While it is empty (no thread inside no_grad),
#: every thread records, and building a node skips the thread-local read: the benchmark
#: chain (2·10⁴ steps) builds in 24.8 ms so, 29.5 ms with the read. An entry is added before
#: a mode turns off and removed after it turns on (list append and pop are atomic), so an
#: interrupt can leave one too many, which costs only that read, and never one too few.
_modes_off: list[None] = []


def _set_mode(recording: bool) -> None:
    """Set this thread's grad mode, keeping `_modes_off` in step (see there)."""
    if recording == _mode.recording:
        return
    if recording:
        _mode.recording = True
        _modes_off.pop()
    else:
        _modes_off.append(None)
        _mode.recording = False


_new = object.__new__
_Real = numbers.Real

_ADD, _SUB, _MUL, _DIV, _POW = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["pow"]
_ADD_C, _MUL_C = _ADD.with_constant("right"), _MUL.with_constant("right")
_SUB_C, _RSUB_C = _SUB.with_constant("right"), _SUB.with_constant("left")
_DIV_C, _RDIV_C = _DIV.with_constant("right"), _DIV.with_constant("left")
_POW_C = _POW.with_constant("right")
_OP_EXP, _OP_SIN, _OP_COS, _OP_ERF = OPS["exp"], OPS["sin"], OPS["cos"], OPS["erf"]
_OP_NEG, _OP_ABS = OPS["neg"], OPS["abs"]
_OP_SIGMOID, _OP_TANH, _OP_RELU, _OP_SOFTPLUS = (
    OPS["sigmoid"],
    OPS["tanh"],
    OPS["relu"],
    OPS["softplus"],
)
_OP_HARD_SIGMOID, _OP_HARD_TANH, _OP_MISH = OPS["hard_sigmoid"], OPS["hard_tanh"], OPS["mish"]


def _name(node: Value) -> str:
    return f"'{node.label}'" if node.label else f"<{node.op or 'leaf'} node>"


def _finite_float(x: object, what: str) -> float:
    """Convert a Python or numpy real number to a finite float; anything else is a TypeError."""
    if type(x) is float:
        f = x
    elif type(x) is int or isinstance(x, _Real):  # int first: sum() starts at the int 0
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(f"{what} must be finite, got a number too large for a float") from None
    else:
        raise TypeError(
            f"{what} must be a real number (int, float or numpy scalar), not {type(x).__name__}"
        )
    if f - f != 0.0:
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


class Value:
    """A scalar in a computation graph: f = (w*x + b).sigmoid(); f.backward(); w.grad.

    `data` is the forward value (a finite float: assignments are checked) and `grad` the
    derivative ∂f/∂self from `f.backward()` (0.0 until a backward pass reaches it; see
    `has_grad`). A leaf's grad accumulates over several
    backward calls, as in PyTorch. `op` and `parents` say how the node was made.
    Comparisons (<, <=, >, >=) compare `data`; `==` is identity, so nodes can be dict keys.
    """

    __slots__ = ("_data", "_grad", "_made_by", "_x", "_y", "_k", "label")
    # The private slots are Any to the type checker: the walks read them unchecked in their
    # hot loops, where the op's kind (not a type) says which are set. The public properties
    # (data, grad, op_info, parents, constant) have the precise types. One more slot (a tuple
    # of all inputs in every node) would cost 24 bytes per chain step, over the 400 of #10.
    _data: Any  # float (the engine reads the slot; `data` checks what users assign)
    label: str
    _grad: Any  # float, or None while no backward pass has reached the node
    _made_by: Any  # the Op, or None for a leaf
    _x: Any  # the input of a one-input op, the first of a binary op, an n-ary op's tuple
    _y: Any  # the second input of a binary op
    _k: Any  # the number the op takes: UNARY_PARAM's parameter, CONSTANT_OPERAND's operand

    def __init__(
        self,
        data: float,
        _children: Sequence[Value] | str = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        """Value(2.0, "x") or Value(2.0, label="x"): a leaf. micrograd's positional form
        Value(data, (a, b), '+') builds the node that op makes of those inputs (see
        `_from_micrograd`)."""
        children: Any = _children
        # `children and` first: a leaf costs one test, not an isinstance call (350 -> 315 ns)
        if children and isinstance(children, str):  # Value(2.0, "x"): the label, second
            if _op or label:
                raise TypeError(f"Value({data!r}, {children!r}, ...): the label is given twice")
            label, children = children, ()
        if type(label) is not str:
            raise TypeError(f"Value label must be a string, not {type(label).__name__}")
        if type(_op) is not str:  # microgpt's Value(data, children, local_grads)
            raise TypeError(
                f"Value(data, children, op): op must be micrograd's op string ('+', '*', "
                f"'**2', 'tanh', ...), not {type(_op).__name__}; local gradients are not given "
                "by hand here (the op table has each op's rule): build the node with the op, "
                "as a * b or x.exp()"
            )
        if type(data) is not float or data - data != 0.0:  # the common case costs one test
            data = _finite_float(data, f"Value(data) for {label!r}" if label else "Value(data)")
        self._data = data
        self._grad = self._made_by = self._x = self._y = self._k = None
        self.label = label
        if children or _op:
            _from_micrograd(self, children, _op)

    # ---- what a node is ---------------------------------------------------------------------

    @property
    def data(self) -> float:
        """The forward value. Assigning it (an update, p.data -= lr * p.grad) checks that it is
        a finite real number, so a nan or a string never reaches a later op silently."""
        return self._data

    @data.setter
    def data(self, value: float) -> None:
        if type(value) is not float or value - value != 0.0:
            value = _finite_float(value, f"the data of {_name(self)}")
        self._data = value

    @property
    def grad(self) -> float:
        """∂root/∂self after `root.backward()`; 0.0 while no backward pass has reached it."""
        g = self._grad
        return 0.0 if g is None else g

    @grad.setter
    def grad(self, value: float) -> None:
        self._grad = _finite_float(value, f"the grad of {_name(self)}")

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
        op = self._made_by
        if op is None:
            return ()
        return _local_grads(self, op)

    # ---- micrograd's names, for the code of its notebooks and lecture -------------------------

    @property
    def _prev(self) -> set[Value]:
        """micrograd's set of this node's inputs (`parents` keeps their order)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's op string: '+', '*', '**2', 'ReLU', 'tanh', 'exp', else the table's
        symbol ('σ', '÷', ...); '' for a leaf."""
        op = self._made_by
        if op is None:
            return ""
        if op.name == "pow" and op.constant_side == "right":
            k = self._k
            return f"**{int(k) if k.is_integer() else k!r}"
        return MICROGRAD_SYMBOLS.get(op.name, op.symbol)

    def _backward(self) -> None:
        """One step of the chain rule, as micrograd's lecture does by hand: add
        ∂self/∂input × self.grad into each input's grad (nothing for a leaf)."""
        for parent, local in zip(self.parents, self.local_grads()):
            parent.grad = parent.grad + local * self.grad

    def __format__(self, spec: str) -> str:
        """f"{v:.4f}" formats v.data; f"{v}" is str(v)."""
        return format(self._data, spec) if spec else str(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._made_by is not None else ""
        grad = f", grad={self._grad!r}" if self._grad is not None else ""
        return f"Value(data={self._data!r}{grad}{label}{op})"

    # Comparisons compare `data` and return a bool (not differentiable), so derivative rules
    # such as relu's `x > 0` read the same on floats and Values. `==` stays identity: a node
    # is itself, and Values can be dict keys and set members.
    def __lt__(self, other: Value | float) -> bool:
        return self._data < (other._data if isinstance(other, Value) else other)

    def __le__(self, other: Value | float) -> bool:
        return self._data <= (other._data if isinstance(other, Value) else other)

    def __gt__(self, other: Value | float) -> bool:
        return self._data > (other._data if isinstance(other, Value) else other)

    def __ge__(self, other: Value | float) -> bool:
        return self._data >= (other._data if isinstance(other, Value) else other)

    __hash__ = object.__hash__

    # ---- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        if type(other) is Value:
            r = self._data + other._data
            if r - r != 0.0:
                _overflow(_ADD, (self, other), r)
            # _node() written out: + and * are the hottest paths. The wide-sum benchmark (5·10⁴
            # pairs, build + backward) takes 0.32 s so, 0.43 s through _node().
            v = _new(Value)
            v._data = r
            v._grad = v._k = None
            if not _modes_off or _mode.recording:
                v._made_by, v._x, v._y = _ADD, self, other
            else:
                v._made_by = v._x = v._y = None
            v.label = ""
            return v
        if type(other) is not float:
            if type(other) is not int and not isinstance(other, _Real):
                return NotImplemented
            other = _finite_float(other, "the constant in +")
        r = self._data + other
        if r - r != 0.0:
            _overflow(_ADD_C, (self,), r, other)
        v = _new(Value)  # _node() written out, as in the Value + Value case above
        v._data = r
        v._grad = v._y = None
        if not _modes_off or _mode.recording:
            v._made_by, v._x, v._k = _ADD_C, self, other
        else:
            v._made_by = v._x = v._k = None
        v.label = ""
        return v

    __radd__ = __add__

    def __mul__(self, other: Value | float) -> Value:
        if type(other) is Value:
            r = self._data * other._data
            if r - r != 0.0:
                _overflow(_MUL, (self, other), r)
            v = _new(Value)
            v._data = r
            v._grad = v._k = None
            if not _modes_off or _mode.recording:
                v._made_by, v._x, v._y = _MUL, self, other
            else:
                v._made_by = v._x = v._y = None
            v.label = ""
            return v
        if type(other) is not float:
            if type(other) is not int and not isinstance(other, _Real):
                return NotImplemented
            other = _finite_float(other, "the constant in *")
        r = self._data * other
        if r - r != 0.0:
            _overflow(_MUL_C, (self,), r, other)
        v = _new(Value)  # _node() written out, as in the Value + Value case above
        v._data = r
        v._grad = v._y = None
        if not _modes_off or _mode.recording:
            v._made_by, v._x, v._k = _MUL_C, self, other
        else:
            v._made_by = v._x = v._k = None
        v.label = ""
        return v

    __rmul__ = __mul__

    # −, ÷ and ** of a Value and a Value or a float take a short way when the result is finite
    # and no check can fail; anything else (an int constant, an error to report, a type to
    # refuse) goes through `_binary` and `apply`. The GPT step makes 1,000 such nodes: 0.4-0.7 µs
    # each the short way, 1.7-3.0 µs through `apply`.
    def __sub__(self, other: Value | float) -> Value:
        if type(other) is Value:
            r = self._data - other._data
            if r - r == 0.0:
                return _node(r, _SUB, self, other)
        elif type(other) is float:
            r = self._data - other
            if r - r == 0.0:
                return _node(r, _SUB_C, self, None, other)
        return _binary(_SUB, self, other, "right")

    def __rsub__(self, other: float) -> Value:
        if type(other) is float:
            r = other - self._data
            if r - r == 0.0:
                return _node(r, _RSUB_C, self, None, other)
        return _binary(_SUB, self, other, "left")

    def __truediv__(self, other: Value | float) -> Value:
        if type(other) is Value:
            d = other._data
            if d != 0.0:
                r = self._data / d
                if r - r == 0.0:
                    return _node(r, _DIV, self, other)
        elif type(other) is float and other - other == 0.0 and other != 0.0:
            r = self._data / other
            if r - r == 0.0:
                return _node(r, _DIV_C, self, None, other)
        return _binary(_DIV, self, other, "right")

    def __rtruediv__(self, other: float) -> Value:
        d = self._data
        if type(other) is float and d != 0.0:
            r = other / d
            if r - r == 0.0:
                return _node(r, _RDIV_C, self, None, other)
        return _binary(_DIV, self, other, "left")

    def __pow__(self, other: Value | float) -> Value:
        if type(other) is int:  # x ** 2
            other = _finite_float(other, "the constant in pow")
        if type(other) is float and other - other == 0.0:
            a = self._data
            if a > 0.0 or other.is_integer():  # a real power (0 ** −1 is caught below)
                try:
                    r = a**other
                except (OverflowError, ZeroDivisionError):
                    r = math.inf  # `apply` reports it
                if r - r == 0.0:
                    return _node(r, _POW_C, self, None, other)
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
        return _node(x if x > 0.0 else 0.0, _OP_RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x if x > 0 else γx (γ = slope); derivative 1 or γ, and γ at 0."""
        return apply(OPS["leaky_relu"], self, slope)

    def prelu(self, slope: Value | float) -> Value:
        """x if x > 0 else γx with a learnable γ (a Value): ∂/∂x = 1 or γ, ∂/∂γ = min(0, x)."""
        return apply(OPS["prelu"], self, _as_value(slope, "γ"))

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
        _backprop(self)

    def zero_grad(self) -> None:
        """Reset the gradient of every node of this graph to not computed (reads as 0.0)."""
        for node in topological_order(self):
            node._grad = None


# ---- building nodes -------------------------------------------------------------------------

#: micrograd's op strings for the ops it has (ASCII '-' and '/' for the two it builds from
#: others); `Value._op` shows them and micrograd's constructor form reads them.
MICROGRAD_SYMBOLS = {"add": "+", "mul": "*", "sub": "-", "div": "/", "neg": "-"}


def _micrograd_op(symbol: str, n: int) -> tuple[Op, float | None]:
    """The table op a micrograd op string names for n inputs, and its constant (x**k)."""
    if symbol.startswith("**") and n == 1:
        return OPS["pow"].with_constant("right"), _finite_float(
            _number(symbol[2:]), f"the exponent in {symbol!r}"
        )
    kind = BINARY if n == 2 else UNARY
    names = {v: k for k, v in MICROGRAD_SYMBOLS.items() if OPS[k].kind == kind}
    for op in OPS.values():
        if op.kind == kind:
            names.setdefault(op.symbol, op.name)
    found = OPS.get(names.get(symbol, symbol))
    if found is None or found.kind != kind:
        raise ValueError(
            f"Value(data, children, {symbol!r}): no op {symbol!r} of {n} input(s); micrograd's "
            f"form takes '+', '*', '-', '/' with two inputs, or '**k', 'ReLU', 'tanh', 'exp' "
            f"and the other one-input ops with one"
        )
    return found, None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"Value(data, children, '**{text}'): {text!r} is not a number") from None


def _from_micrograd(node: Value, children: Sequence[Value], symbol: str) -> None:
    """Make `node` the node `symbol` makes of `children` (micrograd's Value(data, (a, b), '+')).

    Its derivatives come from the op table, so backward is right; the data must be what the
    op computes from the children (to 1e-12), since a node whose value disagrees with its
    inputs would give wrong gradients silently."""
    if not isinstance(children, (tuple, list)) or not all(type(c) is Value for c in children):
        raise TypeError(
            f"Value(data, children, {symbol!r}): children must be a tuple of Values in "
            f"argument order, not {type(children).__name__}"
        )
    if not symbol or not children:
        raise ValueError(
            f"Value({node.data!r}, children, {symbol!r}): give both the inputs and the op "
            f"that made the node from them (e.g. Value(a.data + b.data, (a, b), '+'))"
        )
    op, k = _micrograd_op(symbol, len(children))
    made = apply(op, *children, *(() if k is None else (k,)))
    if abs(made._data - node._data) > 1e-12 * max(1.0, abs(made._data)):
        raise ValueError(
            f"Value({node.data!r}, children, {symbol!r}): {symbol!r} of the children is "
            f"{made.data!r}, not {node.data!r}; the gradients would not match the value"
        )
    node._data, node._made_by = made._data, made._made_by
    node._x, node._y, node._k = made._x, made._y, made._k


def _node(data: float, op: Op, x: Any, y: Any = None, k: Any = None) -> Value:
    """Build a node made by `op` from inputs x (and y), taking the number k (a leaf under
    `no_grad()`); `+` and `*` write this out."""
    v = _new(Value)
    v._data = data
    v._grad = None
    v.label = ""
    if not _modes_off or _mode.recording:
        v._made_by = op
        v._x = x
        v._y = y
        v._k = k
    else:
        v._made_by = v._x = v._y = v._k = None
    return v


def _as_value(x: Value | float, label: str = "") -> Value:
    if isinstance(x, Value):
        return x
    return Value(_finite_float(x, f"the operand {label}".strip()), label)


def _describe_inputs(op: Op, inputs: tuple, k: Any = None, most: int = 6) -> str:
    """'x' = 1.0, <mul node> = 2.0, c = 0.5 — at most `most` inputs, then how many more."""
    parts = [f"{_name(x)} = {x._data!r}" for x in inputs[:most]]
    if len(inputs) > most:
        parts.append(f"… and {len(inputs) - most} more")
    if op.takes_number:
        parts.append(f"{op.param or 'constant'} = {k!r}")
    return ", ".join(parts)


def _largest(inputs: Sequence[Value]) -> Value:
    """The input an overflow is laid to: the one of largest magnitude."""
    return max(inputs, key=lambda v: abs(v._data))


def _overflow(op: Op, inputs: tuple, result: float, k: Any = None) -> None:
    """A forward result is inf or nan: a non-finite constant operand (`+` and `*` take a float
    unchecked, to keep their common case short) is named as such, else it is an overflow."""
    if op.kind == CONSTANT_OPERAND:
        _finite_float(k, f"the constant in {op.name}")
    raise NumericOverflowError(
        f"{op.name}: result {result!r} is not finite (inputs: {_describe_inputs(op, inputs, k)})",
        node=_largest(inputs),
        op=op,
    )


def _binary(op: Op, x: Value, other: Value | float, side: str) -> Value:
    if isinstance(other, Value):
        return apply(op, x, other) if side == "right" else apply(op, other, x)
    if not isinstance(other, _Real):
        return NotImplemented
    return apply(op.with_constant(side), x, _finite_float(other, f"the constant in {op.name}"))


def _unary(op: Op, x: Value) -> Value:
    """`apply` for a one-input op without domain check: the common case, kept short."""
    try:
        r = op.forward(x._data)
    except (OverflowError, ValueError):
        raise NumericOverflowError(
            f"{op.name}: the result is outside the floating-point range "
            f"(input: {_name(x)} = {x._data!r})",
            node=x,
            op=op,
        ) from None
    if r - r != 0.0:
        _overflow(op, (x,), r)
    return _node(r, op, x)


def apply(op: Op, *args: Any) -> Value:
    """Apply a table op: apply(OPS["log"], x), apply(OPS["leaky_relu"], x, 0.1).

    Graph inputs are `Value`s (numbers are wrapped as leaves for BINARY and NARY ops); the
    parameter of a UNARY_PARAM op is a number, its `default` when left out, or a Value, which
    applies the op's learnable `twin` (leaky_relu -> prelu); a CONSTANT_OPERAND op takes its
    constant after the input. A count of inputs the op does not
    take raises ArityError. Domain and overflow errors name op and nodes.
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
            k = _finite_float(k, f"{where} {op.name} ({op.param_name or op.param})")
        inputs, fargs = (x,), (x._data, k)
    elif kind == BINARY:
        x, y = (_as_value(v) for v in args)
        inputs, fargs = (x, y), (x._data, y._data)
    else:
        x = inputs = tuple(_as_value(v) for v in args)
        fargs = (tuple(v._data for v in inputs), None)
    if op.check is not None:
        problem = op.check(*fargs)
        if problem is not None:  # (error class, reason[, index of the argument at fault])
            error, reason = problem[0], problem[1]
            index = problem[2] if len(problem) > 2 and len(inputs) > 1 else 0
            at_fault = inputs[index]
            said = (  # a labelled input is named as the user named it: "the argument z = -1"
                in_words(op.name, index, at_fault.label, at_fault._data, reason)
                if at_fault.label
                else f"{op.name}: {reason}"
            )
            raise error(
                f"{said} (inputs: {_describe_inputs(op, inputs, k)})",
                node=at_fault,
                op=op,
                reason=reason,
            )
    try:
        r = op.forward(*fargs)
    except (OverflowError, ZeroDivisionError, ValueError):
        raise NumericOverflowError(
            f"{op.name}: the result is outside the floating-point range "
            f"(inputs: {_describe_inputs(op, inputs, k)})",
            node=_largest(inputs),
            op=op,
        ) from None
    if type(r) is not float:
        r = float(r)  # e.g. int ** int, or abs() of an int-valued float stays float anyway
    if r - r != 0.0:
        _overflow(op, inputs, r, k)
    return _node(r, op, x, y, k)


def _apply_for_table(op: Op, *args: Any) -> Value:
    """How `ops.fn` builds a Value: one-input ops without a domain check (nn's activations,
    the rules' exp and sigmoid) take `_unary`'s short way, the others `apply`."""
    if op.kind == UNARY and op.check is None and len(args) == 1:
        return _unary(op, args[0])
    return apply(op, *args)


register_applier(Value, _apply_for_table)


def maxout(*values: Value | float) -> Value:
    """max of k inputs (NNDL §4.1, maxout unit); the gradient goes to the first arg-max only."""
    return apply(OPS["maxout"], *values)


# ---- grad mode --------------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


class no_grad:
    """Context manager and decorator: operations inside record no graph (results are leaves).

    Used for updates and evaluation, where building a graph only costs time and memory. The
    mode belongs to the thread that enters the block, as in PyTorch: other threads keep
    recording. Nesting works, and one instance may be entered by several threads at once.
    """

    _records = False

    def __enter__(self) -> None:
        _mode.saved.append(_mode.recording)
        _set_mode(self._records)

    def __exit__(self, *exc: object) -> None:
        _set_mode(_mode.saved.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """Record the graph again inside a `no_grad()` block (grad() uses it: derivatives that
    are graphs must be recorded wherever grad() is called)."""

    _records = True


def is_grad_enabled() -> bool:
    """False inside `no_grad()` (of this thread)."""
    return _mode.recording


# ---- traversal and backward ------------------------------------------------------------------


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, inputs before the nodes made from them (iterative)."""
    order: list[Value] = []
    seen = {id(root)}
    stack: list[tuple[Value, Iterator[Value]]] = [(root, iter(root.parents))]
    while stack:
        node, inputs = stack[-1]
        for parent in inputs:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def backward_order(root: Value) -> list[Value]:
    """The nodes made by ops, in the exact order `backward()` visits them (root first).

    Each visited node adds local × node.grad into its parents in argument order, as
    `parent.grad = parent.grad + local * node.grad`, where every gradient starts at 0.0 (a
    leaf's sum is then added to its gradient from before the call, if it had one): a
    step-through that follows this order and formula reproduces backward's floats bit for bit.
    """
    if root.is_leaf:
        return []
    pending: dict[int, int] = {}
    stack = [root]
    while stack:
        for p in stack.pop().parents:
            n = pending.get(id(p), 0) + 1
            pending[id(p)] = n
            if n == 1 and not p.is_leaf:
                stack.append(p)
    order: list[Value] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for p in node.parents:
            if not p.is_leaf:
                pending[id(p)] -= 1
                if pending[id(p)] == 0:
                    stack.append(p)
    return order


class Edge(NamedTuple):
    """One term of the chain rule: `node` sends `local` × node.grad to its input `parent`,
    the input at `position` (x * x has two edges to x)."""

    node: Value
    position: int
    parent: Value
    local: Any  # ∂node/∂parent: a float, or a Value with a graph of its own (as_values=True)


def backward_edges(root: Value, *, as_values: bool = False) -> Iterator[Edge]:
    """The backward pass as edges, in the exact order `backward()` adds along them: the nodes
    of `backward_order`, each node's inputs in argument order, all edges of a node together.

    Every reader of the chain rule reads this walk (the stepper, `grad`, error placement)
    rather than a copy of it; `backward()` itself runs the same order with its float rules
    inlined (see `_backprop`). With as_values=True the rules are called on the nodes, so each
    local derivative is a Value that can be differentiated again (higher-order derivatives).
    A rule that cannot compute raises its own error (ArithmeticError or ValueError: sqrt'(0)
    divides by zero), which each reader reports in its own words.
    """
    for node in backward_order(root):
        yield from edges_of(node, as_values=as_values)


def edges_of(node: Value, *, as_values: bool = False) -> list[Edge]:
    """The edges one step of `backward_edges` adds along: node's inputs in argument order
    (a step-through computes one node's at a time, before it changes anything)."""
    op = node._made_by
    if op is None:
        return []
    if as_values:
        locals_ = op.local_derivatives(node.parents, node.constant, node)
    else:
        locals_ = _local_grads(node, op)
    return [Edge(node, i, p, d) for i, (p, d) in enumerate(zip(node.parents, locals_))]


def _local_grads(node: Value, op: Op) -> tuple[float, ...]:
    inputs = [p._data for p in node.parents]
    return tuple(op.local_derivatives(inputs, node._k, node._data))


class _Mark(float):
    """A 0.0 with an identity of its own: pass 1's mark. A plain float would do on CPython,
    but `is` between floats may compare their values on other Pythons (PyPy); a subclass's
    instances are always distinct objects. 0.0 + x gives a plain float, bit for bit."""

    __slots__ = ()


def _count_children(root: Value) -> dict[Value, int]:
    """Pass 1: finds the interior nodes below root, sets their gradients to 0.0, and counts the
    children of those with more than one (the others have one). Interior gradients start at
    0.0 here, so pass 2 adds into them.

    A node found in this call holds this call's own 0.0 object (`_grad is zero`, a `_Mark`
    made afresh per call): that is how the pass knows it has seen a node, without a dict entry
    per node. An interrupted call leaves 0.0 or partial sums, as any interrupted pass would, and
    nothing a later call reads as its own: its zero is another object. The counts live in the
    returned dict, which dies with the call. Leaves are not visited: pass 2 starts each leaf's
    sum at its first edge.

    An input found for the first time is walked next without the stack, and a two-input
    node's inputs are read without a tuple. On the GPT step (54,000 interior nodes, nearly all
    binary) this pass took 19.5 ms with a stack push and a dict entry per node and a leaf
    entry per edge, 8.8 ms so."""
    zero = _Mark()  # this call's own 0.0
    shared: dict[Value, int] = {}  # children of each node that has two or more
    stack: list[Value] = []
    pop, push = stack.pop, stack.append
    node = root
    while True:
        kind = node._made_by.kind
        found = None  # the last input found for the first time: the node walked next
        if kind == BINARY:
            p = node._x
            if p._made_by is not None:
                if p._grad is zero:
                    shared[p] = shared[p] + 1 if p in shared else 2
                else:
                    p._grad = zero
                    found = p
            p = node._y
            if p._made_by is not None:
                if p._grad is zero:
                    shared[p] = shared[p] + 1 if p in shared else 2
                else:
                    p._grad = zero
                    if found is not None:
                        push(found)
                    found = p
        elif kind == NARY:
            for p in node._x:
                if p._made_by is not None:
                    if p._grad is zero:
                        shared[p] = shared[p] + 1 if p in shared else 2
                    else:
                        p._grad = zero
                        push(p)
        else:
            p = node._x
            if p._made_by is not None:
                if p._grad is zero:
                    shared[p] = shared[p] + 1 if p in shared else 2
                else:
                    p._grad = zero
                    found = p
        if found is not None:
            node = found
        elif stack:
            node = pop()
        else:
            return shared


def _backprop(root: Value) -> None:
    """Pass 2 visits a node once all its children have been visited (a reverse topological
    order, found by counting, with no sort and no recursion) and adds local × node.grad to each
    input. Each node's gradient is checked once, when it is complete (leaves at the end).

    The order is a stack's (`backward_order`): a node's inputs that become ready are pushed in
    argument order and the last one pushed is visited next. Here the last one is visited next
    without the push and pop, which is the same order.

    The float rules are inlined here rather than read from `backward_edges`: on the
    benchmark chain (5·10⁴ steps) this loop takes 0.34 s, a sum over `backward_edges` 2.5 s.
    × and + of two nodes (the linear layers' Σ w·x) are written out, and no tuple is built
    for a two-input node: on the GPT step this pass took 57 ms through the rules and tuples,
    23 ms so.

    The leaves' sums are committed only when the pass has finished and checked them, each leaf
    by one store: whatever stops the pass (Ctrl-C at any bytecode, an error in a rule), a leaf
    holds its gradient from before the call or the completed call's, never a part.
    """
    if root._made_by is None:  # a leaf: ∂x/∂x = 1
        root._grad = 1.0 if root._grad is None else root._grad + 1.0
        return
    shared = _count_children(root)  # children still to visit, of nodes with more than one
    # each leaf's sum from 0.0, in visit order; `get` rather than a defaultdict, whose
    # factory call per new leaf made the wide sum's backward 26 ms, not 22 (2·10⁴ pairs)
    leaf_sums: dict[Value, float] = {}
    sum_of = leaf_sums.get
    root._grad = 1.0
    stack: list[Value] = []
    pop, push = stack.pop, stack.append
    mul, add, mul_c, add_c, relu = _MUL, _ADD, _MUL_C, _ADD_C, _OP_RELU
    node = root
    try:
        while True:
            g = node._grad
            if g - g != 0.0:
                raise _nonfinite(root, node, g)
            op = node._made_by
            if op is mul:
                a, b = node._x, node._y
                da, db = b._data * g, a._data * g
            elif op is add:
                a, b = node._x, node._y
                da = db = g  # 1.0 * g, exactly
            else:
                kind = op.kind
                if kind < BINARY:  # one input
                    p = node._x
                    if op is mul_c:  # the chain's three rules written out: 16 ms, not 22
                        d = node._k
                    elif op is add_c:
                        d = 1.0
                    elif op is relu:
                        d = 1.0 if p._data > 0.0 else 0.0
                    elif kind == UNARY:
                        d = op.rule(p._data, node._data)
                    else:
                        d = op.rule(p._data, node._k, node._data)
                    if p._made_by is None:
                        leaf_sums[p] = sum_of(p, 0.0) + d * g
                    else:
                        p._grad += d * g
                        if p not in shared:
                            node = p
                            continue
                        n = shared[p] - 1
                        if not n:
                            node = p
                            continue
                        shared[p] = n
                    if not stack:
                        break
                    node = pop()
                    continue
                if kind == NARY:
                    inputs = node._x
                    locals_ = op.rule([q._data for q in inputs], node._k, node._data)
                    for p, d in zip(inputs, locals_):  # in argument order, as backward_order
                        if p._made_by is None:
                            leaf_sums[p] = sum_of(p, 0.0) + d * g
                            continue
                        p._grad += d * g
                        if p in shared:
                            n = shared[p] - 1
                            if n:
                                shared[p] = n
                                continue
                        push(p)
                    if not stack:
                        break
                    node = pop()
                    continue
                a, b = node._x, node._y  # another binary op
                ad, bd, out = a._data, b._data, node._data
                da, db = op.rule(ad, bd, out) * g, op.rules[1](ad, bd, out) * g
            # two inputs a, b with their terms da, db; an input that is not ready becomes None
            if a._made_by is None:
                leaf_sums[a] = sum_of(a, 0.0) + da
                a = None
            else:
                a._grad += da
                if a in shared:
                    n = shared[a] - 1
                    if n:
                        shared[a] = n
                        a = None
            if b._made_by is None:
                leaf_sums[b] = sum_of(b, 0.0) + db
                b = None
            else:
                b._grad += db
                if b in shared:
                    n = shared[b] - 1
                    if n:
                        shared[b] = n
                        b = None
            if b is not None:
                if a is not None:
                    push(a)
                node = b
            elif a is not None:
                node = a
            elif stack:
                node = pop()
            else:
                break
        every = sum(leaf_sums.values())  # finite only if each sum is (inf and nan absorb)
        if every - every != 0.0:  # one sum in C, not a Python test per leaf
            for leaf, total in leaf_sums.items():
                if total - total != 0.0:
                    raise _nonfinite(root, leaf, total)
    except (ArithmeticError, ValueError) as e:  # a rule could not compute its derivative
        _forget_interior(root)
        if isinstance(e, NonFiniteGradientError):
            raise
        raise NonFiniteGradientError(
            f"backward: a local derivative of {_name(node)} ({node.op}, value {node.data!r}) "
            f"is not finite ({e}); inputs: {_describe_inputs(node._made_by, node.parents)}",
            node=node,
            op=node._made_by,
        ) from None
    for leaf, total in leaf_sums.items():  # the commit: one store per leaf
        before = leaf._grad
        leaf._grad = total if before is None else before + total


def _nonfinite(root: Value, bad: Value, grad: float) -> NonFiniteGradientError:
    """The error for a node whose complete gradient is inf or nan, naming the edge it came by:
    the slow search runs only here, so the hot loop checks one number per node."""
    for child in topological_order(root):
        if child._made_by is None or bad not in child.parents:  # `in` is identity for Values
            continue
        try:
            locals_ = _local_grads(child, child._made_by)
        except ArithmeticError:
            continue
        for p, d in zip(child.parents, locals_):
            c = d * child._grad
            if p is bad and c - c != 0.0:
                name = child.label or child.op
                return NonFiniteGradientError(
                    f"backward: the gradient of {_name(bad)} (value {bad.data!r}) became "
                    f"{grad!r} at the edge from {_name(child)} ({child.op}): "
                    f"{derivative_text(name, bad.label or 'input')} = {d!r} times "
                    f"{name_in_formula(name)}.grad = {child._grad!r}",
                    node=bad,
                    op=child._made_by,
                    edge=child,
                )
    return NonFiniteGradientError(
        f"backward: the gradient of {_name(bad)} (value {bad.data!r}) became {grad!r}",
        node=bad,
        op=bad._made_by,
    )


def _forget_interior(root: Value) -> None:
    """After a failed backward: the interior gradients read as not computed again (the leaves
    were never touched). Only tidiness: the next call recomputes them either way."""
    for node in topological_order(root):
        if node._made_by is not None:
            node._grad = None


# ---- the fused neuron (NNDL §4.2): one node for Σ wᵢxᵢ + b --------------------------------------

_NEURON = OPS["neuron"]
_mul = operator.mul
_ONLY_VALUES = frozenset((Value,))


def neuron(weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value) -> Value:
    """z = Σᵢ wᵢxᵢ + b as ONE node whose parents are (w₁..wₙ, x₁..xₙ, b) (NNDL §4.2).

    The same value and gradients as the 2n mul/add nodes it replaces (∂z/∂wᵢ = xᵢ,
    ∂z/∂xᵢ = wᵢ, ∂z/∂b = 1), at a fraction of the nodes: the hot path of every network.
    Numbers among the inputs become constant leaves.
    """
    return neurons([weights], inputs, [bias])[0]


def neurons(
    weight_rows: Sequence[Sequence[Value]], inputs: Sequence[Value | float], biases: Sequence[Value]
) -> list[Value]:
    """A layer's net inputs zⱼ = Σᵢ wⱼᵢxᵢ + bⱼ, one fused `neuron` node each.

    The inputs are checked and read once for the whole layer, not once per neuron.
    """
    if len(weight_rows) != len(biases):
        raise ValueError(f"neurons: {len(weight_rows)} weight rows but {len(biases)} biases")
    xs: tuple[Any, ...] = tuple(inputs)  # Values once checked below
    if not _ONLY_VALUES.issuperset(map(type, xs)):
        xs = tuple(x if type(x) is Value else _as_value(x, "x") for x in xs)
    n = len(xs)
    xd = [x._data for x in xs]
    out = []
    for weights, bias in zip(weight_rows, biases):
        if len(weights) != n:
            raise ValueError(f"neuron: {len(weights)} weights but {n} inputs")
        if type(bias) is not Value or not _ONLY_VALUES.issuperset(map(type, weights)):
            raise TypeError("neuron: weights and bias must be Values")
        r = sum(map(_mul, [w._data for w in weights], xd), bias._data)
        if r - r != 0.0:
            _overflow(_NEURON, (*weights, *xs, bias), r)
        out.append(_node(r, _NEURON, (*weights, *xs, bias)))
    return out
