"""The contact log: every call, visit and message with a family or about them, and the time it took."""
