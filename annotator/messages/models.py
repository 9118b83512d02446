"""UI text of the Models page: model endpoints, collecting responses, the LLM judge."""

MESSAGES: dict[str, dict[str, str]] = {
    "page_models": {"zh": "模型", "en": "Models"},
    "md_caption": {
        "zh": "从 OpenAI 兼容的接口收集各模型的回复，或让 LLM 评审给出建议分。"
        "接口写在端点文件（TOML）中；API 密钥只从环境变量读取。",
        "en": "Collect each model's responses from OpenAI-compatible endpoints, or let an LLM judge "
        "suggest scores. The endpoints are listed in an endpoints file (TOML); API keys are read "
        "from environment variables only.",
    },
    "md_file": {"zh": "端点文件（服务器上的路径）", "en": "Endpoints file (a path on the server)"},
    "md_no_file": {
        "zh": "填写端点文件的路径。格式见手册的“模型接口”一章。",
        "en": "Give the path of an endpoints file. Its format is in the manual's Model endpoints chapter.",
    },
    "md_bad_file": {
        "zh": "端点文件无法使用：{problem}",
        "en": "The endpoints file cannot be used: {problem}",
    },
    "md_models_header": {"zh": "模型与回复", "en": "Models and their responses"},
    "md_endpoint_model": {"zh": "接口模型 ID", "en": "Endpoint model id"},
    "md_present": {"zh": "已有回复", "en": "Responses present"},
    "md_missing": {"zh": "缺少回复", "en": "Missing"},
    "md_empty": {"zh": "空或被过滤", "en": "Empty or filtered"},
    "md_prompts": {"zh": "共 {n} 条提示词。", "en": "{n} prompts in all."},
    "md_recent": {
        "zh": "{model}：最近收集的 {n} 条回复及其来源",
        "en": "{model}: the {n} most recently collected responses and what each came from",
    },
    "md_prompt_id": {"zh": "提示词 ID", "en": "Prompt id"},
    "md_settings": {"zh": "发送的设置", "en": "Settings sent"},
    "md_finish_reason": {"zh": "结束原因", "en": "Finish reason"},
    "md_answer": {"zh": "回答", "en": "Answer"},
    "md_answer_text": {"zh": "文本", "en": "text"},
    "md_answer_empty": {"zh": "空", "en": "empty"},
    "md_answer_filtered": {"zh": "被过滤", "en": "filtered"},
    "md_tokens": {"zh": "令牌数", "en": "Tokens"},
    "md_latency": {"zh": "耗时（毫秒）", "en": "Latency (ms)"},
    "md_answered_at": {"zh": "时间（UTC）", "en": "Time (UTC)"},
    "md_collect_header": {"zh": "收集回复", "en": "Collect responses"},
    "md_collect_help": {
        "zh": "只发送还没有该模型回复的提示词；中断后再次运行会从中断处继续，不会重复发送。",
        "en": "Only prompts without that model's response are sent; running again after an "
        "interruption continues where it stopped and sends nothing twice.",
    },
    "md_choose_models": {"zh": "模型", "en": "Models"},
    "md_all_dimensions": {"zh": "全部维度", "en": "All dimensions"},
    "md_limit": {"zh": "每个模型最多发送（留空为全部）", "en": "At most this many per model (empty: all)"},
    "md_run_collect": {"zh": "开始收集", "en": "Collect"},
    "md_judge_header": {"zh": "LLM 评审", "en": "LLM judge"},
    "md_judge_help": {
        "zh": "评审对每条还没有其建议分的回复打分，结果作为该评审名下的建议分保存；无法解析的回答不保存。",
        "en": "The judge scores every response it has not scored yet; scores are stored as suggestions "
        "under its name. A reply that does not parse stores nothing.",
    },
    "md_no_judges": {
        "zh": "端点文件中没有 `[[judge]]` 条目。",
        "en": "The endpoints file has no `[[judge]]` entry.",
    },
    "md_choose_judge": {"zh": "评审", "en": "Judge"},
    "md_judge_limit": {"zh": "最多评审（留空为全部）", "en": "At most this many responses (empty: all)"},
    "md_run_judge": {"zh": "开始评审", "en": "Judge"},
    "md_suggestions": {"zh": "建议分", "en": "Suggestions"},
    "md_progress": {"zh": "已完成 {done} / {total} 个请求", "en": "{done} / {total} requests done"},
    "md_nothing_to_do": {
        "zh": "没有需要发送的请求：所选内容都已有结果。",
        "en": "Nothing to send: everything selected already has its answer.",
    },
    "md_done": {
        "zh": "完成：保存 {stored} 条，失败 {failed} 条。",
        "en": "Done: {stored} stored, {failed} failed.",
    },
    "md_last_run": {"zh": "上次运行：{kind}", "en": "Last run: {kind}"},
    "md_last_run_file": {"zh": "端点文件：{file}", "en": "Endpoints file: {file}"},
    "md_kind_collect": {"zh": "收集", "en": "collect"},
    "md_kind_judge": {"zh": "评审", "en": "judge"},
    "md_no_runs": {"zh": "还没有运行过收集或评审。", "en": "No collect or judge run yet."},
    "md_asked": {"zh": "请求", "en": "Asked"},
    "md_stored": {"zh": "保存", "en": "Stored"},
    "md_failed": {"zh": "失败", "en": "Failed"},
    "md_failures": {"zh": "失败原因（每类第一条）", "en": "Failures (the first of each kind)"},
    "md_error_kind": {"zh": "类型", "en": "Kind"},
    "md_error_message": {"zh": "错误信息", "en": "Message"},
    "md_interrupted": {
        "zh": "运行被中断：已到达的结果都已保存，再次运行即可继续。",
        "en": "The run was interrupted: everything that arrived is stored; run it again to continue.",
    },
}
