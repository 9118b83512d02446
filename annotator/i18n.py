"""UI text in Simplified Chinese and English. `text(key, language)` falls back to English."""

from __future__ import annotations

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"zh": "FLAMES 无害性标注", "en": "FLAMES harmlessness annotation"},
    "demo_notice": {
        "zh": "演示数据库：账号和数据仅供试用。",
        "en": "Demo database: accounts and data are for trying the tool only.",
    },
    "language": {"zh": "语言", "en": "Language"},
    "login": {"zh": "登录", "en": "Log in"},
    "logout": {"zh": "退出登录", "en": "Log out"},
    "user_name": {"zh": "用户名", "en": "User name"},
    "password": {"zh": "密码", "en": "Password"},
    "logged_in_as": {"zh": "当前用户：{name}（{role}）", "en": "Logged in as {name} ({role})"},
    "not_allowed": {"zh": "您没有权限查看此页面。", "en": "You are not allowed to see this page."},
    "page_home": {"zh": "首页", "en": "Home"},
    "page_annotate": {"zh": "标注", "en": "Annotate"},
    "database_contents": {"zh": "数据库内容", "en": "What is in the database"},
    "prompts": {"zh": "提示", "en": "Prompts"},
    "responses": {"zh": "回复", "en": "Responses"},
    "models": {"zh": "模型", "en": "Models"},
    "labels_submitted": {"zh": "已提交标注", "en": "Submitted labels"},
    "my_queue": {"zh": "我的任务队列", "en": "My queue"},
    "progress": {
        "zh": "已完成 {done} / {assigned}，今日完成 {today}",
        "en": "Done {done} / {assigned}, today {today}",
    },
    "queue_empty": {"zh": "队列中没有待标注的提示。", "en": "There is no open prompt in your queue."},
    "open_prompt": {"zh": "打开", "en": "Open"},
    "status_open": {"zh": "待标注", "en": "open"},
    "status_submitted": {"zh": "已提交", "en": "submitted"},
    "status_skipped": {"zh": "已跳过", "en": "skipped"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "subcomponent": {"zh": "子维度", "en": "Subcomponent"},
    "prompt": {"zh": "提示", "en": "Prompt"},
    "rubric": {"zh": "评分标准", "en": "Rubric"},
    "response": {"zh": "回复 {letter}", "en": "Response {letter}"},
    "score": {"zh": "评分", "en": "Score"},
    "explanation": {"zh": "理由", "en": "Explanation"},
    "explanation_required": {"zh": "理由（必填）", "en": "Explanation (required)"},
    "suggestion": {
        "zh": "建议：{score}（{agent}，置信度 {confidence}）",
        "en": "Suggestion: {score} ({agent}, confidence {confidence})",
    },
    "prefilled": {
        "zh": "预填建议，尚未确认：按 {score} 或点击确认。",
        "en": "Pre-filled from a suggestion, not yet confirmed: press {score} or click confirm.",
    },
    "confirm": {"zh": "确认", "en": "Confirm"},
    "shortcuts": {
        "zh": "快捷键：{digits} 评分当前回复并跳到下一条未评分回复 · J/↓ 下一条 · K/↑ 上一条 · Enter 提交",
        "en": "Keys: {digits} score the focused response and move to the next unscored one · "
        "J/↓ next · K/↑ previous · Enter submit",
    },
    "previous": {"zh": "上一条", "en": "Previous"},
    "next": {"zh": "下一条", "en": "Next"},
    "submit": {"zh": "提交", "en": "Submit"},
    "submitted_notice": {
        "zh": "此提示已提交。可以重新打开以修改。",
        "en": "This prompt is submitted. Reopen it to revise.",
    },
    "reopen": {"zh": "重新打开以修改", "en": "Reopen to revise"},
    "missing_scores": {
        "zh": "还有 {n} 条回复未评分：{letters}",
        "en": "{n} responses still need a score: {letters}",
    },
    "saved": {"zh": "已保存", "en": "Saved"},
    "skip": {"zh": "跳过此提示", "en": "Skip this prompt"},
    "skip_reason": {"zh": "跳过原因", "en": "Why skip it?"},
    "skipped_notice": {"zh": "此提示已跳过：{reason}", "en": "This prompt was skipped: {reason}"},
    "unskip": {"zh": "恢复标注", "en": "Annotate it after all"},
    "flag": {"zh": "标记问题", "en": "Flag a problem"},
    "flag_target": {"zh": "对象", "en": "About"},
    "flag_kind": {"zh": "问题类型", "en": "Problem"},
    "flag_note": {"zh": "备注", "en": "Note"},
    "flag_sent": {"zh": "已标记，组长会看到。", "en": "Flagged: the leads will see it."},
    "flag_prompt_unclear": {"zh": "提示不清楚", "en": "Prompt unclear"},
    "flag_response_truncated": {"zh": "回复被截断", "en": "Response truncated"},
    "flag_not_chinese": {"zh": "不是中文", "en": "Not Chinese"},
    "flag_other": {"zh": "其他", "en": "Other"},
    "the_prompt": {"zh": "提示本身", "en": "The prompt"},
    "reveal_models": {"zh": "显示模型名称", "en": "Reveal model names"},
    "model_name": {"zh": "模型：{model}", "en": "Model: {model}"},
    "jump_to": {"zh": "跳转到提示", "en": "Go to prompt"},
    "focused": {"zh": "当前", "en": "focused"},
    "error": {"zh": "错误：{message}", "en": "Error: {message}"},
}


def text(key: str, language: str, **values: object) -> str:
    entry = MESSAGES[key]
    template = entry.get(language) or entry["en"]
    return template.format(**values) if values else template
