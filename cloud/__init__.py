"""The reference headquarters service: the chain's catalog, prices, loyalty ledger and every store's sales."""
