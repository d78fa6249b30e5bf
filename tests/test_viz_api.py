"""viz's public names and where each is defined: the regrouping by surface moved modules, and
every name a user imports from `viz` must stay the same object from the same home."""

import importlib

import viz

#: name -> the module that defines it (viz.__init__ loads it on first use)
HOMES = {
    "ChainPath": "viz.step.chain_rule",
    "ChainRule": "viz.step.chain_rule",
    "explain": "viz.step.chain_rule",
    "explain_each": "viz.step.chain_rule",
    "demo": "viz.cli.book_demo",
    "Digraph": "viz.draw.drawing",
    "Drawing": "viz.draw.drawing",
    "draw_dot": "viz.draw.dot",
    "render": "viz.draw.dot",
    "draw_network": "viz.draw.figures",
    "draw_neuron": "viz.draw.figures",
    "RenderError": "viz.errors",
    "VizError": "viz.errors",
    "stepper_html": "viz.web.stepper_page",
    "to_html": "viz.web.stepper_page",
    "training_html": "viz.web.training_page",
    "TrainingReplay": "viz.web.training_page",
    "Step": "viz.step.stepper",
    "Stepper": "viz.step.stepper",
    "Undo": "viz.step.stepper",
    "Update": "viz.step.stepper",
    "format_graph": "viz.step.text",
    "graph_rows": "viz.step.text",
    "print_graph": "viz.step.text",
}


def test_every_public_name_and_its_home():
    assert sorted(viz.__all__) == sorted(HOMES)
    for name, home in HOMES.items():
        assert getattr(viz, name) is getattr(importlib.import_module(home), name), name


def test_the_notes_extension_keeps_the_name_users_configure():
    """A note-writer's mkdocs.yml names viz.notes.validate_micrograd and fence_micrograd."""
    notes = importlib.import_module("viz.notes")
    homes = {
        "validate_micrograd": "viz.notes.superfences",
        "fence_micrograd": "viz.notes.superfences",
        "note_html": "viz.notes.fence",
        "NoteError": "viz.notes.fence",
    }
    for name, home in homes.items():
        assert getattr(notes, name) is getattr(importlib.import_module(home), name)
