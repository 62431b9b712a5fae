"""Outcomes for families: the measure a parent answers with the worker, the exit survey and equality monitoring."""
