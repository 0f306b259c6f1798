"""The Passline device agent: runs hub jobs on local hardware and reports back over MQTT."""
