"""360° feedback: competence frameworks (rounds, secret links and the report build on them)."""
