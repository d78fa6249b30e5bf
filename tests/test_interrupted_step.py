"""Ctrl-C at any bytecode of a training step leaves the parameters and the optimiser's state
together: both as before the step, or both as after it (never the one rolled back and the other
advanced). KeyboardInterrupt is raised from a trace function at the N-th opcode of a `fit`
step, as a real SIGINT's handler would be run between two bytecodes."""

import copy
import os
import sys

import pytest

from micrograd_nndl import MLP, SGD, Adam, fit, make_xor

X, Y = make_xor()
#: Every opcode of these is tried: the frames that write the parameters and the state and put
#: them back (`fit`'s own loop, the optimiser, holding Ctrl-C off). The engine's forward and
#: backward before the update (10⁴ opcodes that change neither) are tried at SAMPLES points.
DENSE = {"fit", "step", "commit", "update", "zero_grad", "current_lr", "interrupts_held"}
DENSE_FILES = ("train.py", "optim.py", "interrupts.py", "contextlib.py")
SAMPLES = 40

OPTIMISERS = {
    "SGD momentum, weight decay": lambda p: SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-2),
    "Adam": lambda p: Adam(p, lr=0.01, weight_decay=1e-3),
}


def _state(model, opt):
    """The parameters and every attribute of the optimiser but its list of parameters."""
    kept = {k: copy.deepcopy(v) for k, v in vars(opt).items() if k != "params"}
    return [p.data for p in model.parameters()], kept


def _dense(code) -> bool:
    return code.co_name in DENSE or os.path.basename(code.co_filename) in DENSE_FILES


def _trained(make, compiled, interrupt_at=None, every_frame=False):
    """The state after one step of `fit`, and after a second step interrupted at the
    `interrupt_at`-th opcode (None: not interrupted), and the number of opcodes counted: those
    of every frame, or of the dense frames only (others untraced, which is fast)."""
    model = MLP(2, [2, 1], seed=0)
    opt = make(model.parameters())
    train = dict(loss="mse", optimizer=opt, epochs=1, progress=False, compiled=compiled)
    fit(model, X, Y, **train)  # one step first: the moments and the velocity are not zero
    before = _state(model, opt)
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "call":
            if not (every_frame or _dense(frame.f_code)):
                return None
            frame.f_trace_opcodes = True
        elif event == "opcode":
            if count == interrupt_at:
                raise KeyboardInterrupt
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fit(model, X, Y, **train)
    except KeyboardInterrupt:
        pass  # before fit's own try: it has changed nothing
    finally:
        sys.settrace(None)
    return before, _state(model, opt), count


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("name", OPTIMISERS)
def test_an_interrupt_at_any_opcode_of_a_step_keeps_parameters_and_state_together(
    name, compiled, capsys
):
    make = OPTIMISERS[name]
    before, after, dense = _trained(make, compiled)
    assert before[0] != after[0] and before[1]["steps"] + 1 == after[1]["steps"]
    _, _, total = _trained(make, compiled, every_frame=True)
    points = [(n, False) for n in range(dense)]
    points += [(n, True) for n in range(0, total, total // SAMPLES)]
    torn = []
    for n, every_frame in points:
        start, end, _ = _trained(make, compiled, n, every_frame)
        assert start == before
        if end not in (before, after):
            torn.append(n)
    capsys.readouterr()  # fit's "interrupted after ..." lines
    assert not torn, f"{len(torn)} of {len(points)} interrupt points tear the step: {torn[:8]}"
