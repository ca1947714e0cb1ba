"""Pure domain logic: no Flask, no SQLAlchemy, plain data in and values out."""
