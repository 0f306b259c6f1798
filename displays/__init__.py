"""Kitchen, expo, pick-pack and order-ready boards (a later issue): HTTP and Socket.IO only."""
