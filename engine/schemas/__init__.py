"""Marshmallow schemas for HTTP and file I/O."""
