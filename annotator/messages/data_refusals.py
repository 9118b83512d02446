"""Refusals of gold checks, exports and their splits, leaderboards and the rubric (its scores and
stored settings), raised as `i18n.Refusal`: a page shows them in the UI language, the command
line in English."""

MESSAGES: dict[str, dict[str, str]] = {
    # Values of the refusals below (i18n.Phrase), so a whole refusal reads in one language.
    "none": {"zh": "无", "en": "none"},
    "split_name_validation": {"zh": "验证", "en": "validation"},
    "split_name_test": {"zh": "测试", "en": "test"},
    "batch_kind_labels": {"zh": "标注", "en": "labels"},
    "batch_kind_predictions": {"zh": "预测", "en": "predictions"},
    "gold_no_response": {
        "zh": "没有 ID 为 {response_id!r} 的回复",
        "en": "no response with id {response_id!r}",
    },
    "gold_not_gold": {"zh": "回复 {response_id!r} 不是金标准", "en": "response {response_id!r} is not gold"},
    "gold_bad_rate": {
        "zh": "金标准比例须不小于 0 且小于 1，而不是 {rate}",
        "en": "the gold rate must be at least 0 and below 1, not {rate}",
    },
    "gold_bad_threshold": {
        "zh": "准确率阈值是 0 到 1 之间的比例，而不是 {threshold}",
        "en": "the accuracy threshold is a share between 0 and 1, not {threshold}",
    },
    "rubric_unknown_dimension": {
        "zh": "未知维度 {name!r}（评分标准中有：{allowed}）",
        "en": "unknown dimension {name!r} (the rubric has: {allowed})",
    },
    "rubric_unknown_subcomponent": {
        "zh": "子类 {subcomponent!r} 不属于维度 {dimension!r}（可选：{allowed}）",
        "en": "subcomponent {subcomponent!r} is not in dimension {dimension!r} (allowed: {allowed})",
    },
    "rubric_score_not_allowed": {
        "zh": "{dimension} 不允许评分 {score!r}（允许：{allowed}）",
        "en": "score {score!r} is not allowed for {dimension} (allowed: {allowed})",
    },
    "rubric_lacks_dimensions": {
        "zh": "该评分标准缺少已有提示使用的维度：{missing}",
        "en": "the rubric lacks dimensions that prompts already use: {missing}",
    },
    "rubric_off_scale": {
        "zh": "该评分标准不允许已保存的评分：{scores}",
        "en": "the rubric does not allow scores already stored: {scores}",
    },
    "lb_unknown_agent": {
        "zh": "评分模型 {agent!r} 没有建议（有建议的评分模型：{available}）",
        "en": "no suggestions from agent {agent!r} (agents with suggestions: {available})",
    },
    "ex_unknown_kind": {
        "zh": "未知的导出类型 {kind!r}（可选：{allowed}）",
        "en": "unknown export {kind!r} (choose from {allowed})",
    },
    "ex_unknown_format": {
        "zh": "未知的导出格式 {format!r}（可选：{allowed}）",
        "en": "unknown export format {format!r} (choose from {allowed})",
    },
    "ex_bad_license": {
        "zh": "许可证须是一行文字，不含多余空格，而不是 {license!r}",
        "en": "the licence must be one line of text without extra spaces, not {license!r}",
    },
    "ex_unknown_filter": {
        "zh": "未知的{name}：{unknown}（已有：{allowed}）",
        "en": "unknown {name} {unknown} (known: {allowed})",
    },
    "ex_other_batch": {
        "zh": "批次 {batch} 是{kind}的导入：批次筛选保留提示或回复来自提示或回复导入批次的回复"
        "（这些批次：{allowed}）",
        "en": "batch {batch} is an import of {kind}: the batch filter keeps the responses whose prompt or "
        "response came in a batch of prompts or responses (those: {allowed})",
    },
    "ex_bad_margin": {
        "zh": "最小分差须为 1 或以上（一对需要两个不同评分），而不是 {margin}",
        "en": "the minimum margin must be 1 or more (a pair needs two scores), not {margin}",
    },
    "ex_models_for_prompt_split": {
        "zh": "验证和测试模型只用于按模型划分：按提示划分用随机种子随机抽取整条提示",
        "en": "validation and test models apply only to the split by model: "
        "the split by prompt draws whole prompts at random with the seed",
    },
    "ex_unknown_split": {
        "zh": "未知的划分方式 {split!r}（可选：`model` 按模型、`prompt` 按提示）",
        "en": "unknown split {split!r} (choose from model, prompt)",
    },
    "ex_all_train": {
        "zh": "按模型划分时全部 {rows} 行都在训练集：导出的数据中没有验证或测试模型（模型：{present}；"
        "默认留出：验证 {validation}，测试 {test}）。请在导出的模型中指定验证和测试模型"
        "（模型筛选须保留它们），或按提示划分",
        "en": "the split by model puts all {rows} rows in train: no validation or test model is in the "
        "exported data (models: {present}; held out by default: {validation} for validation, {test} for "
        "test). Name validation and test models among those exported (a model filter must keep them), "
        "or split by prompt",
    },
    "split_both": {
        "zh": "这些模型同时被指定为验证和测试模型：{models}",
        "en": "models named for both validation and test: {models}",
    },
    "split_missing": {
        "zh": "数据中没有这些{split}模型：{missing}（已有模型：{known}）",
        "en": "{split} models not in the data: {missing} (models present: {known})",
    },
    "split_bad_fractions": {
        "zh": "划分比例须是三个和为 1 的非负数，而不是 {fractions}",
        "en": "split fractions must be three non-negative numbers summing to 1, not {fractions}",
    },
}
