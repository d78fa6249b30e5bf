"""The visualizer's exceptions: one base type, so a caller can catch every viz failure at once."""


class VizError(Exception):
    """Base of the errors the visualizer raises about what it was asked to show."""


class RenderError(VizError):
    """The Graphviz program is missing, or it failed on a drawing; the message says which."""
