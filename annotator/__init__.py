"""FLAMES-style harmlessness annotation: store, rubric, importers, agreement, leaderboard."""
