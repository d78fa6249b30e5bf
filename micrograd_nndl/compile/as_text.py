"""A compiled program as text: the book's matrix equations for an MLP (NNDL §4.4), else op lines.

Each layer of fused neurons reads as z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾ and its activation as
a⁽ˡ⁾ = f(z⁽ˡ⁾); the ops after the network (a loss) are listed one per line. The reverse pass
reads as the δ recursion δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ (W⁽ˡ⁺¹⁾)ᵀδ⁽ˡ⁺¹⁾ with ∂/∂W⁽ˡ⁾ = δ⁽ˡ⁾(a⁽ˡ⁻¹⁾)ᵀ.
"""

from __future__ import annotations

from typing import Any

from .steps import LayerStep, MapStep

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sup(n: int) -> str:
    return f"⁽{str(n).translate(_SUP)}⁾"


def _sub(n: int) -> str:
    return str(n).translate(_SUB)


def describe(program: Any) -> str:
    """The text of `Program.show()`."""
    names: dict[int, str] = {}
    for name, s in zip(program.input_names, program.input_slots):
        names[s] = name
    for leaf, s in zip(program.leaves, program.leaf_slots):
        names[s] = leaf.label or f"{leaf.data:g}"
    block_name: dict[int, str] = {}
    layer_of_block: dict[int, int] = {}
    lines: list[str] = []
    layers: list[tuple[int, Any, Any]] = []  # (l, layer step, its activation step or None)
    temp = 0
    for step in program.steps:
        if type(step) is LayerStep:
            number = len(layers) + 1
            if step.x_block is not None and step.x_block != program.input_block:
                a_prev = block_name[step.x_block]
            else:
                a_prev = f"a{_sup(0)}"
                lines.append(f"a{_sup(0)} = ({', '.join(names[s] for s in step.xs)})")
            m, n = step.weights.shape
            lines.append(
                f"z{_sup(number)} = W{_sup(number)}·{a_prev} + b{_sup(number)}"
                f"    W{_sup(number)}: {m}×{n}"
            )
            block_name[step.block] = f"z{_sup(number)}"
            layer_of_block[step.block] = number
            layers.append((number, step, None))
            _name_rows(names, step, f"z{_sup(number)}")
        elif type(step) is MapStep:
            layer = layer_of_block.get(step.in_block)
            source = block_name[step.in_block]
            target = f"a{_sup(layer)}" if layer is not None else f"{step.op.name}({source})"
            lines.append(f"{target} = {_fn(step.op, step.k)}({source})")
            block_name[step.block] = target
            if layer is not None and layers[layer - 1][2] is None:
                layers[layer - 1] = (layer, layers[layer - 1][1], step)
                layer_of_block[step.block] = layer
            _name_rows(names, step, target)
        else:
            temp += 1
            names[step.out] = f"t{temp}"
            args = [names[s] for s in step.ins]
            lines.append(f"t{temp} = {_call(step.op, step.k, args)}")
    out = [names[s] for s in program.outputs]
    head = (
        f"program: {len(program.input_slots)} inputs ({', '.join(program.input_names)}), "
        f"{len(program.leaves)} leaves read at call time, {len(program.steps)} steps on arrays "
        "of samples (one column per sample)"
    )
    text = [head, "forward:", *("  " + line for line in lines), f"  output: {', '.join(out)}"]
    text += ["backward:", *("  " + line for line in _backward_lines(layers))]
    return "\n".join(text)


def _name_rows(names: dict[int, str], step: Any, base: str) -> None:
    for j, s in enumerate(step.rows):
        names[s] = f"{base}{_sub(j + 1)}"


def _fn(op: Any, k: Any) -> str:
    return op.symbol if k is None else f"{op.symbol}[{op.param or 'k'}={k:g}]"


def _call(op: Any, k: Any, args: list[str]) -> str:
    if op.constant_side == "right":
        return f"{args[0]} {op.symbol} {k:g}"
    if op.constant_side == "left":
        return f"{k:g} {op.symbol} {args[0]}"
    if op.name in ("add", "sub", "mul", "div", "pow") and len(args) == 2:
        return f"{args[0]} {op.symbol} {args[1]}"
    return f"{_fn(op, k)}({', '.join(args)})"


def _backward_lines(layers: list[tuple[int, Any, Any]]) -> list[str]:
    """The δ recursion of §4.4 over the layers, or the generic reverse sweep."""
    sweep = "the steps above in reverse, each adding (local derivative × gradient) to its inputs"
    if not layers:
        return [f"{sweep} (NNDL §4.5.3)"]
    last = layers[-1][0]
    lines = [f"δ{_sup(last)} = ∂y/∂z{_sup(last)}: {sweep}, back to z{_sup(last)}"]
    for number, _, act in reversed(layers[:-1]):
        up = _sup(number + 1)
        if act is None:
            lines.append(f"δ{_sup(number)} = (W{up})ᵀ·δ{up}")
        else:
            lines.append(f"δ{_sup(number)} = {act.op.symbol}′(z{_sup(number)}) ⊙ (W{up})ᵀ·δ{up}")
    lines.append(
        "∂y/∂W⁽ˡ⁾ = δ⁽ˡ⁾·(a⁽ˡ⁻¹⁾)ᵀ and ∂y/∂b⁽ˡ⁾ = δ⁽ˡ⁾·1: summed over the samples (the columns)"
    )
    return lines
