"""Tracing refuses every way the user's code can read a traced input's number (#26 item 1).

The compiled program replays the trace's operations for every sample, so a number read out of
an input while tracing would be the first sample's number for all of them. The rule: the
traced `x.data` is no float at all; each of its protocols refuses when the user's code uses it.
"""

import copy
import decimal
import fractions
import json
import math
import operator
import pickle
import struct

import numpy as np
import pytest

from micrograd_nndl import Value
from micrograd_nndl.compile import TracingError, compile

# (what the user wrote, how it reads the number, the word the message names the read with)
WAYS = [
    ("float(n)", lambda n: float(n), "converting"),
    ("int(n)", lambda n: int(n), "converting"),
    ("round(n, 2)", lambda n: round(n, 2), "converting"),
    ("math.trunc(n)", lambda n: math.trunc(n), "converting"),
    ("math.exp(n)", lambda n: math.exp(n), "converting"),
    ("math.floor(n)", lambda n: math.floor(n), "converting"),
    ("math.copysign(1.0, n)", lambda n: math.copysign(1.0, n), "converting"),
    ("math.isclose(n, 1.0)", lambda n: math.isclose(n, 1.0), "converting"),
    ("math.fsum([n])", lambda n: math.fsum([n]), "converting"),
    ("complex(n)", lambda n: complex(n), "converting"),
    ("n > 0", lambda n: n > 0, "comparing"),
    ("n == 1.0", lambda n: n == 1.0, "comparing"),
    ("max(n, 0.0)", lambda n: max(n, 0.0), "comparing"),
    ("float.__gt__(n, 0)", lambda n: float.__gt__(n, 0), "passing"),
    ("bool(n)", lambda n: bool(n), "converting"),
    ("n * 2", lambda n: n * 2, "computing with the number of"),
    ("2 ** n", lambda n: 2**n, "computing with the number of"),
    ("-n", lambda n: -n, "computing with the number of"),
    ("sum([n])", lambda n: sum([n]), "computing with the number of"),
    ("f'{n}'", lambda n: f"{n}", "formatting"),
    ("f'{n:.3f}'", lambda n: f"{n:.3f}", "formatting"),
    ("'%f' % n", lambda n: "%f" % n, "converting"),  # noqa: UP031
    ("'%s' % n", lambda n: "%s" % n, "formatting"),  # noqa: UP031
    ("str(n)", lambda n: str(n), "formatting"),
    ("repr(n)", lambda n: repr(n), "formatting"),
    ("format(n, 'e')", lambda n: format(n, "e"), "formatting"),
    ("hash(n)", lambda n: hash(n), "hashing"),
    ("operator.index(n)", lambda n: operator.index(n), "converting"),
    ("np.float64(n)", lambda n: np.float64(n), "converting"),
    ("np.asarray(n)", lambda n: np.asarray(n), "converting"),
    ("np.exp(n)", lambda n: np.exp(n), "converting"),
    ("struct.pack('d', n)", lambda n: struct.pack("d", n), "converting"),
    ("n.real", lambda n: n.real, "reading"),
    ("n.imag", lambda n: n.imag, "reading"),
    ("n.hex()", lambda n: n.hex(), "reading"),
    ("n.is_integer()", lambda n: n.is_integer(), "reading"),
    ("n.as_integer_ratio()", lambda n: n.as_integer_ratio(), "reading"),
    ("n.conjugate()", lambda n: n.conjugate(), "reading"),
    ("pickle.dumps(n)", lambda n: pickle.dumps(n), "pickling"),
    ("copy.copy(n)", lambda n: copy.copy(n), "pickling"),
    ("json.dumps(n)", lambda n: json.dumps(n), "passing"),
    ("decimal.Decimal(n)", lambda n: decimal.Decimal(n), "passing"),
    ("fractions.Fraction(n)", lambda n: fractions.Fraction(n), "passing"),
    ("Value(n)", lambda n: Value(n), "passing"),
]


@pytest.mark.parametrize("read, use", [(w[1], w[2]) for w in WAYS], ids=[w[0] for w in WAYS])
def test_every_way_of_reading_a_traced_inputs_number_is_refused(read, use):
    def f(x):
        read(x.data)  # the line the message names
        return x * 2.0

    with pytest.raises(TracingError) as info:
        compile(f)(np.array([1.0, 2.0]))
    message = str(info.value)
    assert f"{use} the traced input 'x'" in message or f"{use} a traced input" in message
    assert __file__ in message and "lambda n:" in message  # the line that read it


def test_the_issues_example_would_freeze_the_first_samples_exp():
    """compile(lambda x: x * math.exp(x.data)) gave [2.718, 5.437] where eager gives
    [2.718, 14.778]: the exp of the first sample replayed. Now it is refused."""
    with pytest.raises(TracingError, match="converting the traced input 'x'"):
        compile(lambda x: x * math.exp(x.data))(np.array([1.0, 2.0]))


def test_the_engine_and_the_ops_still_compute_with_the_traced_number():
    """The rule is for the user's code: the ops read the number through the library."""
    f = compile(lambda x: (x * 2.0 + 1.0).exp() / x.tanh() - x**2 + abs(x) + x.relu())
    x = np.array([0.5, -1.5, 2.0])
    for i, xi in enumerate(x):
        v = Value(float(xi))
        want = ((v * 2.0 + 1.0).exp() / v.tanh() - v**2 + abs(v) + v.relu()).data
        assert f(x)[i] == pytest.approx(want, rel=1e-14)


def test_code_that_catches_the_refusal_still_fails_the_trace():
    """A fallback after the refusal would hide it and compile the fallback's number."""

    def f(x):
        try:
            k = math.exp(x.data)
        except Exception:
            k = 1.0
        return x * k

    with pytest.raises(TracingError, match=r"converting the traced input 'x' \(__float__\)"):
        compile(f)(np.array([1.0, 2.0]))


def test_a_typeerror_of_the_users_own_is_theirs():
    """Only an error about the traced number becomes a TracingError."""

    def f(x):
        return x + len(3)  # a mistake that holds no traced number

    with pytest.raises(TypeError, match="has no len") as info:
        compile(f)(np.array([1.0, 2.0]))
    assert not isinstance(info.value, TracingError)
