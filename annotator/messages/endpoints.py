"""Refusals of the endpoints file (annotator.endpoints) and of collect and judge runs, raised as
`i18n.Refusal`: the Models page shows them in the UI language, the command line in English."""

MESSAGES: dict[str, dict[str, str]] = {
    # Places in the file and values of the refusals below (i18n.Phrase).
    "ep_entry": {
        "zh": "{source}：第 {index} 个 `[[{kind}]]` 条目",
        "en": "{source}: [[{kind}]] entry {index}",
    },
    "ep_named_entry": {
        "zh": "{source}：第 {index} 个 `[[{kind}]]` 条目（{name!r}）",
        "en": "{source}: [[{kind}]] entry {index} ({name!r})",
    },
    "ep_entry_key": {"zh": "{entry}，键 {key!r}", "en": "{entry}, key {key!r}"},
    "ep_kind_model": {"zh": "模型", "en": "model"},
    "ep_kind_judge": {"zh": "评审", "en": "judge"},
    "ep_not_utf8_problem": {"zh": "不是有效的 `UTF-8` 文本", "en": "not valid UTF-8"},
    # The system's and the TOML reader's words for a problem (the English is theirs).
    "ep_os_missing": {"zh": "文件不存在", "en": "No such file or directory"},
    "ep_os_denied": {"zh": "没有读取权限", "en": "Permission denied"},
    "ep_os_directory": {"zh": "这是一个目录", "en": "Is a directory"},
    # the system's or the TOML reader's own words, kept as they are
    "ep_detail": {"zh": "`{detail}`", "en": "{detail}"},
    "ep_toml_at": {
        "zh": "第 {line} 行第 {column} 列：`{detail}`",
        "en": "{detail} (at line {line}, column {column})",
    },
    "ep_toml_at_end": {"zh": "文件末尾：`{detail}`", "en": "{detail} (at end of document)"},
    "ep_want_0_to_2": {"zh": "0 到 2 之间的数", "en": "a number from 0 to 2"},
    "ep_want_top_p": {"zh": "大于 0 且不超过 1 的数", "en": "a number above 0, at most 1"},
    "ep_want_1_or_more": {"zh": "不小于 1 的整数", "en": "a whole number of 1 or more"},
    "ep_want_whole": {"zh": "整数", "en": "a whole number"},
    "ep_want_texts": {"zh": "文本或文本列表", "en": "text or a list of texts"},
    "ep_want_penalty": {"zh": "-2 到 2 之间的数", "en": "a number from -2 to 2"},
    "ep_want_name": {"zh": "首尾没有空格的文本", "en": "text without surrounding spaces"},
    "ep_want_url": {"zh": "`http://` 或 `https://` 地址", "en": "an http:// or https:// address"},
    "ep_want_model": {"zh": "文本（接口要求的模型 ID）", "en": "text (the model id the endpoint expects)"},
    "ep_want_env": {"zh": "环境变量名", "en": "an environment variable name"},
    "ep_want_text": {"zh": "文本", "en": "text"},
    "ep_want_concurrency": {"zh": "1 到 256 之间的整数", "en": "a whole number from 1 to 256"},
    "ep_want_timeout": {"zh": "大于 0 的秒数", "en": "a number of seconds above 0"},
    "ep_want_retries": {"zh": "0 到 10 之间的整数", "en": "a whole number from 0 to 10"},
    "ep_want_table": {"zh": "按原样发送的字段表", "en": "a table of fields sent as they are"},
    "ep_want_prompt": {"zh": "文件名（评审的提示词模板）", "en": "a file name (the judge's prompt template)"},
    "ep_want_samples": {"zh": "1 到 25 之间的整数", "en": "a whole number from 1 to 25"},
    "ep_want_bool": {"zh": "`true` 或 `false`", "en": "true or false"},
    "ep_want_language": {"zh": '`"zh"` 或 `"en"`', "en": '"zh" or "en"'},
    # The file as a whole.
    "ep_unreadable": {
        "zh": "{source}：无法读取该文件：{problem}",
        "en": "{source}: cannot read the file: {problem}",
    },
    "ep_not_utf8": {
        "zh": "{source}：不是有效的 `UTF-8` 文本；请以 `UTF-8` 保存该文件",
        "en": "{source}: not valid UTF-8; save the file as UTF-8",
    },
    "ep_not_toml": {
        "zh": "{source}：不是有效的 TOML：{problem}",
        "en": "{source}: not valid TOML: {problem}",
    },
    "ep_unknown_section": {
        "zh": "{source}：未知的键 {key!r}（该文件只包含 `[[model]]` 和 `[[judge]]` 条目）",
        "en": "{source}: unknown key {key!r} (the file holds [[model]] and [[judge]] entries)",
    },
    "ep_not_entries": {
        "zh": "{source}：{key!r} 须写成 `[[{key}]]` 条目",
        "en": "{source}: {key!r} must be written as [[{key}]] entries",
    },
    # One entry's keys.
    "ep_unknown_key": {"zh": "{at}：未知的键", "en": "{at}: unknown key"},
    "ep_judge_only_key": {
        "zh": "{at}：未知的键（只有 `[[judge]]` 条目可用）",
        "en": "{at}: unknown key (only [[judge]] entries take it)",
    },
    "ep_bad_value": {
        "zh": "{at}：须是{wanted}，而不是 {value!r}",
        "en": "{at}: must be {wanted}, not {value!r}",
    },
    "ep_missing_key": {"zh": "{at}：缺失", "en": "{at}: missing"},
    "ep_template_unreadable": {
        "zh": "{at}：无法读取模板 {path}：{problem}",
        "en": "{at}: cannot read the template {path}: {problem}",
    },
    "ep_template_invalid": {
        "zh": "{at}：模板 {path} 不是有效的模板（`{problem}`；花括号请写成 `{{{{` 或 `}}}}`）",
        "en": "{at}: the template {path} is not a valid template ({problem}; write a brace as {{{{ or }}}})",
    },
    "ep_template_unknown_field": {
        "zh": "{at}：模板 {path} 使用了 `{{{field}}}`；只能使用 {allowed}",
        "en": "{at}: the template {path} uses {{{field}}}; it may use {allowed}",
    },
    "ep_template_no_response": {
        "zh": "{at}：模板 {path} 中没有回复：请在其中写入 `{{response}}`",
        "en": "{at}: the template {path} never shows the response: put {{response}} in it",
    },
    # Names.
    "ep_duplicate_name": {
        "zh": "{at}：另一个 `[[{kind}]]` 条目已使用此名称",
        "en": "{at}: another [[{kind}]] entry has this name",
    },
    "ep_lookalike_entry": {
        "zh": "{at}：与条目 {other!r} 只有大小写或全角半角之差",
        "en": "{at}: differs from the entry {other!r} only in case or width",
    },
    "ep_lookalike_stored_model": {
        "zh": "{at}：与已保存的模型 {other!r} 只有大小写或全角半角之差；请使用相同的写法",
        "en": "{at}: differs from the stored model {other!r} only in case or width; use the same spelling",
    },
    "ep_bad_judge_name": {"zh": "{at}：{problem}", "en": "{at}: {problem}"},
    # Choosing entries, and their API keys.
    "ep_no_such_entry": {
        "zh": "{source}：没有名为 {name!r} 的 `[[{kind}]]` 条目（文件中有：{known}）",
        "en": "{source}: no [[{kind}]] named {name!r} (the file has: {known})",
    },
    "ep_no_entries": {
        "zh": "{source}：文件中没有 `[[{kind}]]` 条目",
        "en": "{source}: the file has no [[{kind}]] entry",
    },
    "ep_key_unset": {
        "zh": "{source}：`[[{kind}]]` {name!r}，键 `api_key_env`：环境变量 {variable} 未设置",
        "en": "{source}: [[{kind}]] {name!r}, key 'api_key_env': "
        "the environment variable {variable} is not set",
    },
    "ep_key_unset_at_request": {
        "zh": "{kind} {name!r}：环境变量 {variable}（`api_key_env`）未设置",
        "en": "{kind} {name!r}: the environment variable {variable} (api_key_env) is not set",
    },
    # Kinds of failed request in a run's summary (endpoint_runs.FAILURE_KINDS).
    "run_failure_timeout": {"zh": "超时", "en": "timeout"},
    "run_failure_connection": {"zh": "无法连接", "en": "connection"},
    "run_failure_bad_reply": {"zh": "回答格式不对", "en": "bad reply"},
    "run_failure_unparsed_reply": {"zh": "无法解析的回答", "en": "unparsed reply"},
    "run_failure_no_majority": {"zh": "没有多数", "en": "no majority"},
    # A failed request's message (endpoint_runs.describe_error); the client's, the server's or the
    # reply's own text is a value shown as it is.
    "run_error_timeout": {"zh": "超时前没有收到回答", "en": "no answer within the timeout"},
    "run_error_connection": {
        "zh": "无法连接：`{error}: {detail}`",
        "en": "cannot connect: {error}: {detail}",
    },
    "run_error_not_completion": {
        "zh": "不是对话补全格式的回答：`{reply!r}`",
        "en": "not a chat completion: {reply!r}",
    },
    "run_error_not_text": {"zh": "回答不是文本：`{message!r}`", "en": "the answer is not text: {message!r}"},
    "run_error_not_a_score": {
        "zh": "回答不是评分 {scores} 之一：`{reply!r}`",
        "en": "the reply is not one of the scores {scores}: {reply!r}",
    },
    "run_error_split": {
        "zh": "{n} 个回答给出的评分票数相同：{counts}",
        "en": "the {n} replies split evenly: {counts}",
    },
    "run_error_no_answer": {"zh": "端点没有返回回答", "en": "the endpoint returned no answer"},
    # What a collect or judge run is asked to do.
    "run_bad_limit": {
        "zh": "数量上限须不小于 1，而不是 {limit}",
        "en": "the limit must be 1 or more, not {limit}",
    },
    "collect_unknown_batch": {
        "zh": "没有提示词导入批次 {batch!r}（提示词批次：{known}）",
        "en": "no prompts import batch {batch!r} (prompts batches: {known})",
    },
    "judge_unknown_model": {
        "zh": "未知的模型 {model!r}（已保存的模型：{known}）",
        "en": "unknown model {model!r} (stored models: {known})",
    },
}
