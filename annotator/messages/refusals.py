"""Refusals the shared logic raises (as `i18n.Refusal`) that reach the scoring page: a page shows
them in the UI language, the command line in English."""

MESSAGES: dict[str, dict[str, str]] = {
    "ann_not_assigned": {
        "zh": "提示 {prompt_id} 未分配给 {annotator}",
        "en": "prompt {prompt_id} is not assigned to {annotator}",
    },
    "ann_no_response": {"zh": "没有回复 {response_id}", "en": "no response {response_id}"},
    "ann_submitted_revise": {
        "zh": "此提示已提交：请先重新打开再修改",
        "en": "this prompt is submitted: reopen it to revise",
    },
    "ann_submitted_reopen": {
        "zh": "此提示已提交：请先重新打开",
        "en": "this prompt is submitted: reopen it first",
    },
    "ann_already_submitted": {"zh": "此提示已经提交", "en": "this prompt is already submitted"},
    "ann_unscored": {"zh": "以下回复还没有评分：{letters}", "en": "responses without a score: {letters}"},
    "ann_unexplained": {
        "zh": "以下回复需要填写理由：{letters}",
        "en": "responses that need an explanation: {letters}",
    },
    "ann_skip_reason": {"zh": "请说明跳过此提示的原因", "en": "say why the prompt is skipped"},
    "ann_flag_kind": {
        "zh": "未知的标记类型 {kind!r}（可选：{allowed}）",
        "en": "unknown flag kind {kind!r} (allowed: {allowed})",
    },
    "ann_flag_response": {
        "zh": "回复 {response_id} 不属于提示 {prompt_id}",
        "en": "response {response_id} does not belong to prompt {prompt_id}",
    },
    "db_read_only": {
        "zh": "数据库 {database} 是只读的：没有保存任何内容",
        "en": "the database {database} is read-only: nothing was saved",
    },
    "db_disk_full": {
        "zh": "磁盘已满（数据库 {database}）：没有保存任何内容",
        "en": "the disk is full (the database {database}): nothing was saved",
    },
    "db_busy": {
        "zh": "数据库 {database} 正忙：没有保存任何内容，请重试",
        "en": "the database {database} is busy: nothing was saved, please try again",
    },
    "db_error": {
        "zh": "数据库错误（{database}）：{problem}：没有保存任何内容",
        "en": "database error ({database}): {problem}: nothing was saved",
    },
    "db_cannot_open": {
        "zh": "无法打开数据库 {path}：{problem}",
        "en": "cannot open database {path}: {problem}",
    },
    "db_cannot_write": {"zh": "无法写入 {path}：{problem}", "en": "cannot write {path}: {problem}"},
}
