"""MQTT: the hub's broker connection, and the embedded broker used when none is configured."""
