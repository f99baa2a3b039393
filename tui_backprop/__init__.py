"""backprop-tui: watch backpropagation happen, one epoch per keypress."""

__version__ = "0.1.0"
