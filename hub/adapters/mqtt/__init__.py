"""MQTT: the hub's broker connection, the Mosquitto it supervises, and devices' logins on it."""
