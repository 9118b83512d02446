"""UI text of the lead and admin pages: assignment, progress, adjudication, users, guidelines,
flags, settings."""

MESSAGES: dict[str, dict[str, str]] = {
    "page_assignment": {"zh": "分配任务", "en": "Assignment"},
    "page_progress": {"zh": "进度", "en": "Progress"},
    "page_adjudication": {"zh": "裁定", "en": "Adjudication"},
    "page_users": {"zh": "用户", "en": "Users"},
    "page_guidelines": {"zh": "标注指南", "en": "Guidelines"},
    "page_flags": {"zh": "问题标记", "en": "Flags"},
    "page_settings": {"zh": "设置", "en": "Settings"},
    "page_audit": {"zh": "审计", "en": "Audit"},
}
