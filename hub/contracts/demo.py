"""What the demo hub and its simulated devices agree on: who they are, and how they enrol.

The demo enrols its simulated devices as store IT enrols real ones: it makes a one-time claim code
for each (the enrolment service behind `passline devices add`), and the device exchanges it at
`POST /api/v1/devices/claim` and keeps what it got in a file of its own (mode 0600). Codes go
through the environment, never the command line, because `ps` shows a command line.
"""

from __future__ import annotations

HUB_URL_ENV = "PASSLINE_DEMO_HUB_URL"  # where the simulated devices reach the hub's HTTP API
CLAIMS_ENV = "PASSLINE_DEMO_CLAIMS"  # JSON: device id -> a claim code, for the devices not enrolled yet
CREDENTIALS_ENV = "PASSLINE_DEMO_CREDENTIALS"  # the folder where each device keeps what its claim gave it

PRINTERS_DEVICE = "demo-printers"  # the agent with the simulated station, pass and receipt printers
# Where each station's tickets print: the bar, the hot line (kitchen, grill, fryer), the pastry counter and the
# pick zones each at a printer of their own, as in a store that takes an order a second (1.8 tickets a second:
# more than one printer keeps up with); the pass printer is every station's backup.
STATION_PRINTERS = {"bar": "bar", "kitchen": "kitchen", "grill": "kitchen", "fryer": "kitchen", "pastry": "pastry",
                    "pick-a": "pick", "pick-b": "pick"}
BACKUP_PRINTER = "pass"
RECEIPT_PRINTER = "receipt"
TERMINAL_DEVICE = "demo-terminal"  # the agent driving the simulated payment terminal
KITCHEN_DEVICE = "sim-kitchen"  # the simulated cooks, expo and pickers: a kitchen display's login
CASHIER_DEVICE = "sim-cashier"  # the simulated cashier who confirms remote orders: a counter's login
CASHIER_PIN = "1111"  # Sam, the demo's cashier (a demo PIN)

# The simulated senders of `passline demo --traffic`: device id -> the origin its orders carry. They are
# not kiosk-1 or counter-1, so pairing a real screen under those names leaves the simulation running.
# One per origin: with the printers, the terminal, the kitchen and the cashier the demo makes 10 claims,
# what the hub takes from one address in a minute.
TRAFFIC_SENDERS = {
    "sim-kiosk": "kiosk",
    "sim-counter": "counter",
    "gateway-app": "app",
    "gateway-web": "web",
    "gateway-phone": "phone",
    "gateway-marketplace": "marketplace",
}
