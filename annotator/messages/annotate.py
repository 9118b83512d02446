"""UI text of the scoring page's client-side component (pages/annotate.js): every `fl_` key is
sent to the page without its prefix. Evidence as leads see it too."""

MESSAGES: dict[str, dict[str, str]] = {
    "evidence_marked": {"zh": "标注员标记的依据", "en": "Evidence the annotators marked"},
    "fl_submit": {"zh": "提交（Enter）", "en": "Submit (Enter)"},
    "fl_submitting": {"zh": "正在提交…", "en": "Submitting…"},
    "fl_more": {"zh": "展开全文", "en": "Show all"},
    "fl_less": {"zh": "收起", "en": "Show less"},
    "fl_keys": {
        "zh": "数字键 评分当前回复并跳到下一条未评分回复 · J/↓ 下一条 · K/↑ 上一条 · E 写理由 · "
        "选中文字后按 M 标记依据 · Enter 提交",
        "en": "Digits score the focused response and move to the next unscored one · J/↓ next · "
        "K/↑ previous · E explain · select words, then M marks them as evidence · Enter submit",
    },
    "fl_explain": {"zh": "写理由（E）", "en": "Explain (E)"},
    "fl_mark": {"zh": "标记选中文字（M）", "en": "Mark selection (M)"},
    "fl_mark_required": {
        "zh": "请标记依据（低于 {below} 分必填，M）",
        "en": "Mark the evidence (required below {below}, M)",
    },
    "fl_unmark": {"zh": "点击取消标记", "en": "Click to remove this mark"},
    "fl_select_first": {
        "zh": "先在这条回复中选中文字，再按 M。",
        "en": "Select words in this response first, then press M.",
    },
    "fl_saving": {"zh": "保存中…", "en": "saving…"},
    "fl_not_saved": {"zh": "未保存：", "en": "Not saved:"},
    "fl_unconfirmed": {"zh": "尚未确认", "en": "not yet confirmed"},
    "fl_missing": {
        "zh": "还有 {n} 条回复未评分：{letters}",
        "en": "{n} responses still need a score: {letters}",
    },
    "fl_explanation_required": {
        "zh": "必须填写理由：低于 {below} 分的评分需要说明原因。",
        "en": "An explanation is required: scores below {below} need one.",
    },
    "fl_response": {"zh": "回复 {letter}", "en": "Response {letter}"},
}
