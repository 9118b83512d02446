"""UI text of the audit page."""

MESSAGES: dict[str, dict[str, str]] = {
    "audit_intro": {
        "zh": "每一次标注修改和裁定：谁、何时、从什么改为什么。记录只增不改。",
        "en": "Every label change and adjudication: who, when, from what to what. The record is append-only.",
    },
    "audit_who": {"zh": "用户", "en": "Who"},
    "audit_everyone": {"zh": "所有人", "en": "Everyone"},
    "audit_response": {"zh": "回复 ID（可选）", "en": "Response id (optional)"},
    "audit_limit": {"zh": "最多显示条数", "en": "Show at most"},
    "audit_empty": {"zh": "没有符合条件的修改记录。", "en": "No change matches."},
}
