"""The kiosk and counter pages, served by the hub."""
