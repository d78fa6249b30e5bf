"""Offline web pages and the notebook display: the step-through page of both passes, with its
script and style in `assets/`."""
