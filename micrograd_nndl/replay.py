"""What `fit(..., record=True)` keeps of a training run, epoch by epoch, for replaying it.

A `Snapshot` is read from the model and the optimiser after an epoch's last step and changes
neither: the loss and accuracy, every parameter with its last gradient, each layer's gradient
norm ‖∂L/∂θ⁽ˡ⁾‖ (the vanishing gradients of NNDL §4.6.2 show as the first layers' norms
shrinking) and the optimiser's state (Adam's moments m and v, SGD's velocity).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .nn import Module
from .optim import SGD, Adam, Optimizer


@dataclass(frozen=True)
class Snapshot:
    """The run after epoch `epoch` (1-based): `params` and `grads` in `model.parameters()`
    order, `labels` their names, `layer_norms` one gradient norm per layer, `lr` the rate of
    the last step, `state` the optimiser's per-parameter lists ("m" and "v", or "velocity")."""

    epoch: int
    loss: float
    accuracy: float | None
    params: tuple[float, ...]
    grads: tuple[float, ...]
    layer_norms: tuple[float, ...]
    lr: float
    labels: tuple[str, ...] = ()
    state: dict[str, tuple[float, ...]] = field(default_factory=dict)


def take_snapshot(
    model: Module, opt: Optimizer, epoch: int, loss: float, accuracy: float | None
) -> Snapshot:
    """The state of `model` and `opt` now, copied (later steps do not change it)."""
    params = model.parameters()
    layers = getattr(model, "layers", None) or [model]
    norms = tuple(math.sqrt(sum(p.grad * p.grad for p in layer.parameters())) for layer in layers)
    state: dict[str, tuple[float, ...]] = {}
    if isinstance(opt, Adam):
        state = {"m": tuple(opt.moments[0]), "v": tuple(opt.moments[1])}
    elif isinstance(opt, SGD) and opt.momentum:
        state = {"velocity": tuple(opt.velocity)}
    return Snapshot(
        epoch=epoch,
        loss=loss,
        accuracy=accuracy,
        params=tuple(p.data for p in params),
        grads=tuple(p.grad for p in params),
        layer_norms=norms,
        lr=opt.current_lr() if opt.steps else opt.lr,
        labels=tuple(p.label for p in params),
        state=state,
    )
