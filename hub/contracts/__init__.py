"""Wire formats shared by the hub and everything that talks to it over MQTT or HTTP.

This is the one part of `hub` that device code may import. `docs/protocol.md` is
generated from these models by `passline docs protocol`.
"""
