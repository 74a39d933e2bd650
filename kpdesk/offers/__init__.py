"""Providers, their course offers and the offers' sessions (samlinger)."""
