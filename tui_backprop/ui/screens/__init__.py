"""Screens over the main one: help and opening a file."""
