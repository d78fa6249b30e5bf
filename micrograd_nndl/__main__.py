"""`python -m micrograd_nndl`: print the book's σ(wx+b) derivative table (NNDL §4.5.3)."""

from .book import format_table, sigmoid_graph


def main() -> None:
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    print("f(x; w, b) = σ(wx + b) at x = 1, w = 0, b = 0, as six primitives (NNDL §4.5.3)\n")
    print(format_table(nodes))


if __name__ == "__main__":
    main()
