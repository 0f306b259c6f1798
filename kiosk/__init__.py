"""Kiosk and counter front ends (a later issue): served by the hub, talking HTTP and Socket.IO only."""
