"""Passline store hub."""
