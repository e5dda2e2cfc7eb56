"""``make bench``: speed and size figures, printed; see bench/__main__.py."""
