"""Drawings: the computation graph (`dot`), the neuron and network figures, the layout and
width rules they follow, and running Graphviz to turn them into pictures."""
