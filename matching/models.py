"""Matching models: filled in by the matching issue."""
