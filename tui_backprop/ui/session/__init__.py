"""The run's logic without Textual: what a key does to the run, and the machinery that
trains it (``runner``)."""
