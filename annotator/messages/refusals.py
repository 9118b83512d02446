"""Refusals the shared logic raises as `i18n.Refusal` (annotation, database, assignment,
adjudication and flags, settings, guidelines, accounts): a page shows them in the UI language,
the command line in English."""

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
    "ann_no_evidence": {
        "zh": "以下回复需要标记依据（选中决定评分的文字）：{letters}",
        "en": "responses that need evidence marked (the words that decided the score): {letters}",
    },
    "ann_bad_mark": {
        "zh": "标记 {start}–{end} 不在回复文字（{length} 个字符）之内",
        "en": "the mark {start}–{end} is outside the response text ({length} characters)",
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
    "assign_no_annotators": {"zh": "没有选择标注员", "en": "no annotators given"},
    "assign_repeated": {"zh": "标注员重复出现：{names}", "en": "annotators named more than once: {names}"},
    "assign_not_annotator": {
        "zh": "{name!r} 的角色是 {role}，不是标注员",
        "en": "{name!r} has role {role}, not annotator",
    },
    "assign_inactive": {"zh": "{name!r} 已停用", "en": "{name!r} is inactive"},
    "assign_ids_and_filters": {
        "zh": "请给出提示编号或筛选条件（维度、子类、批次），不要同时给出",
        "en": "give prompt ids or filters (dimension, subcomponent, batch), not both",
    },
    "assign_unknown_ids": {"zh": "未知的提示编号：{ids}", "en": "unknown prompt ids: {ids}"},
    "assign_unknown_subcomponent": {
        "zh": "评分细则中没有任何维度包含子类 {subcomponent!r}",
        "en": "no dimension of the rubric has the subcomponent {subcomponent!r}",
    },
    "assign_unknown_batch": {"zh": "没有导入批次 {batch!r}", "en": "no import batch {batch!r}"},
    "assign_overlap": {
        "zh": "重叠数必须在 1 到标注员人数（{n}）之间",
        "en": "overlap must be between 1 and the number of annotators ({n})",
    },
    "assign_still_active": {
        "zh": "{name!r} 仍在启用状态：请先停用该账号",
        "en": "{name!r} is still active: deactivate the account first",
    },
    "assign_to_themselves": {
        "zh": "不能把 {name!r} 的工作转给其本人",
        "en": "cannot move {name!r}'s work to themselves",
    },
    "guidelines_empty": {
        "zh": "标注指南为空：请填写内容，或离开此页以保留当前版本",
        "en": "the guidelines are empty: write them, or leave the page to keep the current version",
    },
    "settings_invalid": {
        "zh": "无效的{what} {value!r}（可选：{allowed}）",
        "en": "invalid {what} {value!r} (allowed: {allowed})",
    },
    "settings_no_agent": {
        "zh": "没有来自评分模型 {agent!r} 的建议",
        "en": "no suggestions from agent {agent!r}",
    },
    "flag_unknown": {"zh": "没有编号为 {flag_id} 的标记", "en": "no flag with id {flag_id}"},
    "flag_resolved": {"zh": "标记 {flag_id} 已经处理过了", "en": "flag {flag_id} is already resolved"},
    "adj_no_model": {"zh": "没有名为 {model!r} 的模型", "en": "no model named {model!r}"},
    "adj_no_response": {
        "zh": "没有编号为 {response_id!r} 的回复",
        "en": "no response with id {response_id!r}",
    },
    "adj_invalid_reason": {
        "zh": "无效的理由 {reason!r}（可选：{allowed}）",
        "en": "invalid reason {reason!r} (allowed: {allowed})",
    },
    "user_invalid_name": {
        "zh": "无效的用户名 {name!r}：请使用 1-64 个字母、数字、汉字、'.'、'_'、'-' 或 '@'",
        "en": "invalid user name {name!r}: use 1-64 letters, digits, CJK characters, '.', '_', '-' or '@'",
    },
    "agent_invalid_name": {
        "zh": "无效的评分模型名 {name!r}：请使用 1-64 个字母、数字、汉字、'.'、'_'、'-' 或 '@'",
        "en": "invalid agent name {name!r}: use 1-64 letters, digits, CJK characters, '.', '_', '-' or '@'",
    },
    "user_invalid_role": {
        "zh": "无效的角色 {role!r}（可选：{allowed}）",
        "en": "invalid role {role!r} (allowed: {allowed})",
    },
    "user_short_password": {
        "zh": "密码至少需要 {n} 个字符",
        "en": "the password must have at least {n} characters",
    },
    "user_space_password": {"zh": "密码不能只有空格", "en": "the password cannot be only spaces"},
    "user_exists": {"zh": "用户 {name!r} 已存在", "en": "user {name!r} already exists"},
    "user_lookalike": {
        "zh": "{name!r} 与已有用户 {other!r} 看起来相同：请换一个明显不同的名字",
        "en": "{name!r} would look like the existing user {other!r}: choose a clearly different name",
    },
    "user_unknown": {"zh": "没有名为 {name!r} 的用户", "en": "no user named {name!r}"},
    "user_last_admin": {
        "zh": "{name} 是最后一个启用的管理员：请先让另一个人成为管理员",
        "en": "{name} is the last active admin: make someone else an admin first",
    },
    "user_not_lead": {
        "zh": "{name!r} 的角色是 {role}：只有负责人或管理员可以这样做",
        "en": "{name!r} has role {role}: only a lead or admin may do this",
    },
    "user_inactive": {"zh": "{name!r} 已停用", "en": "{name!r} is inactive"},
    "agent_lookalike": {
        "zh": "评分模型名 {name!r} 与已有的 {other!r} 看起来相同：请使用那个名字或另一个名字",
        "en": "agent name {name!r} looks like the existing agent {other!r}: use that name or another one",
    },
}
