"""courtjourney: the Independent Parent Support Worker's tool for families going through the criminal courts."""

__version__ = "0.1.0"
