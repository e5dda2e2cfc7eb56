"""A trajectory's development plan: goals, who acts on them, by when, and what became of them."""
