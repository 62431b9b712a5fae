"""Search: find a case by its reference or by the name of someone in it, from every page."""
