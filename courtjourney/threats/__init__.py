"""Intimidation incidents: provenance, evidence files, the tamper-evident chain, passing to police, export."""
