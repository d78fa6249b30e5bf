"""`python -m micrograd_nndl`: print the book's σ(wx+b) derivative table (NNDL §4.5.3)."""

import argparse
from collections.abc import Sequence

from . import __version__
from .book import format_table, sigmoid_graph


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table of h1..h6 after backward; `--help` and `--version` as any command."""
    parser = argparse.ArgumentParser(
        prog="python -m micrograd_nndl",
        description="Print the values, gradients and local derivatives of the book's "
        "f(x; w, b) = σ(wx + b) at x = 1, w = 0, b = 0, as six primitives h1..h6 "
        "(NNDL §4.5.3). The `micrograd-nndl` command draws, steps through and checks "
        "any formula.",
    )
    parser.add_argument("--version", action="version", version=f"micrograd-nndl {__version__}")
    parser.parse_args(argv)
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    print("f(x; w, b) = σ(wx + b) at x = 1, w = 0, b = 0, as six primitives (NNDL §4.5.3)\n")
    print(format_table(nodes))


if __name__ == "__main__":
    main()
