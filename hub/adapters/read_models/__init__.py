"""Read models: the hub's domain facts in the shapes it sends, one module per capability.

Every outgoing shape is built here (or, for the displays' cards, in hub.domain.kitchen_views)
with the field names of its contract in hub/contracts/; hub/contracts/outgoing.py says which
contract each message must fit, and the test suite checks every message sent against it.
Times go through the one formatter, hub.domain.moments.iso_time.
"""
