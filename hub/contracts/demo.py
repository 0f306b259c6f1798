"""What the demo hub and its simulated devices agree on: who sends traffic, and where logins are passed.

Logins go through the environment, never the command line, because `ps` shows a command line.
"""

from __future__ import annotations

DEVICE_URL_ENV = "PASSLINE_DEVICE_MQTT_URL"  # one simulated device's own broker login
TRAFFIC_LOGINS_ENV = "PASSLINE_TRAFFIC_LOGINS"  # JSON: each traffic sender's device id -> its login

# The simulated senders of `passline demo --traffic`: device id -> the origin its orders carry.
TRAFFIC_SENDERS = {
    "kiosk-1": "kiosk",
    "kiosk-2": "kiosk",
    "counter-1": "counter",
    "gateway-app": "app",
    "gateway-web": "web",
    "gateway-phone": "phone",
    "gateway-marketplace": "marketplace",
}
