"""The keeper: runs the book's life cycle from the fixtures feed so nobody has to click anything."""
