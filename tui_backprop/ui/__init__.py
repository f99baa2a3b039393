"""The terminal interface (Textual): panes that show one experiment's training."""
