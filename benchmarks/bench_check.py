"""`micrograd-nndl check` at the expression language's limit of 1000 variables.

x0*x1 + x2*x3 + … + x998*x999 (1999 nodes): the central difference of every variable, as
`check` computes it (`gradcheck_report(..., same_graph=True)`: one evaluation, the graph
replayed from each moved variable on) beside evaluating the parsed formula afresh at each of
the 2000 moved points (what `check` did before). The two reports must be equal, row for row,
before anything is timed.
"""

from __future__ import annotations

from micrograd_nndl import Expression, Value, gradcheck_report

from .common import Row, best_time

NAMES = [f"x{i}" for i in range(1000)]
FORMULA = " + ".join(f"x{2 * k} * x{2 * k + 1}" for k in range(500))
POINT = [0.5 + i / 1000 for i in range(1000)]


def run() -> list[Row]:
    expression = Expression(FORMULA)

    def f(*values: Value) -> Value:
        return expression.evaluate(dict(zip(NAMES, values)))

    def replayed() -> object:
        return gradcheck_report(f, POINT, names=NAMES, same_graph=True)

    def afresh() -> object:
        return gradcheck_report(f, POINT, names=NAMES)

    if replayed() != afresh():
        raise AssertionError("the replayed central differences differ from f's own")
    return [
        Row(
            "check, 1000 variables (1999 nodes)",
            best_time(replayed),
            best_time(afresh, repeat=1),
            target="seconds",
            note="reference: the formula evaluated afresh at each of the 2000 points",
        )
    ]
