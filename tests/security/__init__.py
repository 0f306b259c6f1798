"""Each finding of issue 12 (the trust boundary), shown refused."""
