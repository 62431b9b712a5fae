"""The quarterly report: figures gathered from every part, shown, exported and frozen once submitted."""
