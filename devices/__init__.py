"""Device side: the agent, its drivers and their simulators. Talks to the hub over MQTT only."""
