"""Reusable widgets and models: the row table model and validating record forms."""
