"""Performance measurements, run on demand; each prints a table (see docs/performance.md)."""
