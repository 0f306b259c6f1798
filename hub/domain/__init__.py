"""The store's rules in plain Python: no I/O, no frameworks."""
