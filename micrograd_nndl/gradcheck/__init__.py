"""Gradient checking: backward() against central differences (NNDL §4.5.1), first and second order.

`differences` computes the numbers (central differences, one-graph replay, the Hessian's),
`report` judges them and lays them out in the table every check prints.
"""

from .differences import Replay, analytic_grads, numeric_grads
from .report import (
    COLUMNS,
    MISMATCH,
    CheckReport,
    CheckRow,
    GradcheckError,
    Parameters,
    gradcheck,
    gradcheck_params,
    gradcheck_params_report,
    gradcheck_report,
    named_parameters,
)

__all__ = [
    "COLUMNS",
    "MISMATCH",
    "CheckReport",
    "CheckRow",
    "GradcheckError",
    "Parameters",
    "Replay",
    "analytic_grads",
    "gradcheck",
    "gradcheck_params",
    "gradcheck_params_report",
    "gradcheck_report",
    "named_parameters",
    "numeric_grads",
]

# Tracebacks, reprs and pickles name the classes where users import them from.
for _cls in (CheckReport, CheckRow, GradcheckError, Replay):
    _cls.__module__ = __name__
