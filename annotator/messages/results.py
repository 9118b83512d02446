"""UI text of the agreement, leaderboard, exports and scorer pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "page_agreement": {"zh": "一致性", "en": "Agreement"},
    "page_leaderboard": {"zh": "排行榜", "en": "Leaderboard"},
    "page_exports": {"zh": "导出", "en": "Exports"},
    "page_scorer": {"zh": "评分模型", "en": "Scorer"},
}
