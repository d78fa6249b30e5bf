"""Live figures in Markdown notes: a ```micrograd block drawn at build time.

A note-writer (mkdocs-material, or any Python-Markdown site with pymdownx.superfences) writes

    ```micrograd
    x = 1; w = 0; b = 0
    f = sigmoid(w*x + b)
    ```

and the page shows the graph after backward (an inline SVG: every value, gradient and local
derivative) and its derivative table, as `draw_dot` and `graph_rows` make them (NNDL §4.5.3).

The block is a list of statements, one per line or separated by `;`, `#` starting a comment:
`name = number` gives an input its value (a constant formula such as `pi/4` too);
`name = formula` names a node computed from the names above; the last statement is the output,
on which backward runs. Names are written as people write them: 净输入, θ, w₁, b⁽¹⁾. Each
formula is read by the safe expression language of `micrograd_nndl` (`Expression`): no Python
is executed. A mistake raises `NoteError` naming the block's line, with a caret under the
place; through superfences it fails the build.

Options in the fence's header (`viz.notes.options`): `figure=` one of graph (the default),
neuron, network, activations, loss (`viz.notes.figures`); for a graph `params="w b"` (the
learnable parameters, drawn apart from the inputs, in the step-through too), `rankdir="TB"`,
`stepper="true"` (the interactive step-through of both passes below the table); `lang="zh"`.

The setup is one line of mkdocs.yml, `plugins: [micrograd]` (`viz.notes.plugin`, which also
places a failed block on its page). The plain superfences setup keeps working. In mkdocs.yml:

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: micrograd
              class: micrograd
              validator: !!python/name:viz.notes.validate_micrograd
              format: !!python/name:viz.notes.fence_micrograd
"""

from __future__ import annotations

from .fence import GRAPH_SCALES, Note, NoteError, Statement, build_note, note_html, statements
from .figures import block_html
from .options import FIGURES, OPTIONS, OptionError, read_options
from .superfences import fence_micrograd, validate_micrograd

__all__ = [
    "FIGURES",
    "GRAPH_SCALES",
    "OPTIONS",
    "Note",
    "NoteError",
    "OptionError",
    "Statement",
    "block_html",
    "build_note",
    "fence_micrograd",
    "note_html",
    "read_options",
    "statements",
    "validate_micrograd",
]
