"""Serving the app to web browsers (``backprop-tui --serve``): one app process per tab.

Only the command line imports this package, and only for ``--serve``: it needs the
optional ``web`` extra (textual-serve), which neither the terminal app nor ``--headless``
loads.
"""
