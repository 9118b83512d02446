"""UI text of the menu sections and of the tables and charts of the lead pages: column names,
values and axis titles (the pages' own headings live with their area)."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav_annotate": {"zh": "标注", "en": "Annotate"},
    "nav_manage": {"zh": "管理", "en": "Manage"},
    "nav_results": {"zh": "结果", "en": "Results"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "status": {"zh": "状态", "en": "Status"},
    "home_chart_title": {"zh": "各维度的提示数", "en": "Prompts per dimension"},
    "progress_chart_title": {"zh": "各标注员的提示状态", "en": "Prompts per annotator by state"},
}
