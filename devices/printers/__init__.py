"""ESC/POS printers: profiles, document layout, status, and the agent's printer hardware."""
