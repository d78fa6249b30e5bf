"""What `micrograd-nndl check` writes, in the reader's language: the table of backward()
against central differences (NNDL §4.5.1), the line saying which rows it leaves out, and why
a row that disagrees does (a step too large, a kink, or a wrong gradient).

The numbers come from `gradcheck_report` and `Replay`; the words from the catalog (viz.words).
The kind of each failure stays English: it is the command's error message, as Python's are.
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_nndl import CheckReport, CheckRow, MathError, Replay, format_columns

from ..words import Words

#: The table's columns, as message keys ("expected" only when a row has a formula's value).
COLUMNS = ("check.derivative", "check.at", "check.backward", "check.central", "check.difference")


def check_table(rows: Sequence[CheckRow], words: Words) -> str:
    """`rows` under the columns' names, each failing row marked (CheckReport.table's layout)."""
    with_expected = any(r.expected is not None for r in rows)
    head = [words(key) for key in COLUMNS]
    if with_expected:
        head.insert(4, words("check.expected"))
    lines = [head]
    for r in rows:
        cells = [r.derivative, r.at, f"{r.backward:.10g}", f"{r.central:.10g}"]
        if with_expected:
            cells.append("" if r.expected is None else f"{r.expected:.10g}")
        cells.append(f"{r.difference:.3g}")
        lines.append(cells + ([] if r.passed else [words("check.mismatch")]))
    return format_columns(lines, rule=False)


def shown_rows(report: CheckReport, limit: int, words: Words) -> tuple[list[CheckRow], str]:
    """The rows of check's table (all, or at most `limit`: the mismatches worst first, else
    the first rows) and a line saying what is left out and how to see it ("" if nothing)."""
    rows = list(report.rows)
    if not limit or len(rows) <= limit:
        return rows, ""
    bad = report.failures
    every = words("check.every")
    if not bad:
        return rows[:limit], words("check.more_rows", count=len(rows) - limit, every=every)
    shown = bad[:limit]
    agree = len(rows) - len(bad)
    return shown, words(
        "check.worst",
        shown=len(shown),
        bad=len(bad),
        agree=words("check.agree", count=agree) if agree else "",
        every=every,
    )


def diagnose(
    replay: Replay, i: int, backward: float, report: CheckReport, words: Words
) -> tuple[str, str]:
    """Why input i failed: ("a step too large", ...) when a smaller step confirms backward
    (a pole or a steep change within ±eps: x/y at y = 1e-7), ("a kink", ...) when the slopes
    left and right of the point differ (relu at 0), else ("a wrong gradient", ...)."""
    eps, atol, rtol = report.eps, report.atol, report.rtol
    name = replay.names[i]

    def at(step: float) -> float | None:
        try:
            return replay.values(i, [step])[0]
        except MathError:
            return None

    mid, left, right = at(0.0), at(-eps), at(eps)
    smaller = None  # the largest smaller step whose central difference agrees with backward
    for k in range(1, 7):
        h = eps / 10**k
        up, down = at(h), at(-h)
        if up is not None and down is not None:
            central = (up - down) / (2 * h)
            if abs(backward - central) <= atol + rtol * abs(central):
                smaller = h
                break
    if mid is None or left is None or right is None:
        crosses = "check.leaves_domain" if smaller else None
    elif left * right < 0 and abs(mid) > max(abs(left), abs(right)):
        crosses = "check.crosses_pole"  # the sign flips across a peak in |f|
    else:
        crosses = "check.too_fast" if smaller else None
    if crosses:
        fix = (
            words("check.smaller_agrees", eps=f"{smaller:g}")
            if smaller
            else words("check.smaller_may_help")
        )
        values = ", ".join(
            words("field.undefined") if v is None else f"{v:.6g}" for v in (left, mid, right)
        )
        return "a step too large", words(
            "check.step_too_large",
            name=name,
            crosses=words(crosses),
            eps=f"{eps:g}",
            x=f"{replay.xs[i]:g}",
            values=values,
            fix=fix,
        )
    if mid is not None and left is not None and right is not None:
        slope_left = (mid - left) / eps
        slope_right = (right - mid) / eps
        if abs(slope_left - slope_right) > atol + rtol * max(abs(slope_left), abs(slope_right)):
            return "a kink", words(
                "check.kink",
                name=name,
                x=f"{replay.xs[i]:g}",
                left=f"{slope_left:.6g}",
                right=f"{slope_right:.6g}",
                backward=f"{backward:.6g}",
            )
    return "a wrong gradient", words("check.wrong", name=name, backward=f"{backward:.10g}")
