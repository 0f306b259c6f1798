"""Use cases: handlers for commands and events, the message bus, and the ports they need."""
