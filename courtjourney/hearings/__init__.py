"""Proceedings, hearings and every change to them, and the calendar feeds that follow those changes."""
