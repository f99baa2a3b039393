"""Screens over the main one: help, the gradient check and the form dialogs (open a
CSV, the dataset menu, the settings), all framed by ``dialog.Dialog``."""
