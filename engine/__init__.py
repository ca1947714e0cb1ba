"""Outcome Engine: outcome-tagged assessment and certification for asylum officials."""

from engine.app import create_app

__all__ = ["create_app"]
