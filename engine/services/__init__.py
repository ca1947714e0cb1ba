"""Use cases. The only layer that commits, calls hooks and writes the audit log."""
