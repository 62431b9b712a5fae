"""The ground floor: model base classes and column types, the engine and sessions, row helpers.

It imports settings and errors only. The registry of every model is courtjourney.schema; the
migrations and backups, which need every part, are courtjourney.migrations and courtjourney.backup.
"""
