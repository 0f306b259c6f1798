"""Ways into the hub: the web app, the MQTT consumer, the command line."""
