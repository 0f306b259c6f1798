"""The hub's web app: JSON API, health pages and Socket.IO."""
