"""The plain-language legal glossary, in English and Welsh."""
