"""UI text of the menu sections and of the tables and charts of the lead pages: column names,
values and axis titles (the pages' own headings live with their area)."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav_annotate": {"zh": "标注", "en": "Annotate"},
    "nav_manage": {"zh": "管理", "en": "Manage"},
    "nav_results": {"zh": "结果", "en": "Results"},
}
