"""The client's rights: a subject-access export, erasure by anonymisation, and retention."""
