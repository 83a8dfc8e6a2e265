"""Ratings models: filled in by the ratings issue."""
