"""What the app shows and keeps, without Textual: the view of a run at one epoch, the
phase walk, looking back through history, kept runs, pacing, opening data and files."""
