"""The dataset card written beside every export, in the language chosen for it (zh or en)."""

MESSAGES: dict[str, dict[str, str]] = {
    "card_title": {"zh": "{kind} 导出：无害性标注数据", "en": "{kind} export of harmlessness annotations"},
    "card_license": {"zh": "许可：{license}", "en": "Licence: {license}"},
    "card_file": {"zh": "文件：`{filename}`，{rows} 行", "en": "File: `{filename}`, {rows} rows"},
    "card_rubric": {"zh": "评分标准：{rubric}", "en": "Rubric: {rubric}"},
    "card_counts": {
        "zh": "提示：{prompts}；回复：{responses}；已提交的标注：{labels}",
        "en": "Prompts: {prompts}; responses: {responses}; submitted labels: {labels}",
    },
    "card_filters": {"zh": "筛选：{filters}", "en": "Filters: {filters}"},
    "card_no_filters": {"zh": "无（全部数据）", "en": "none (everything)"},
    "card_filter_dimension": {"zh": "维度", "en": "dimension"},
    "card_filter_model": {"zh": "模型", "en": "model"},
    "card_filter_batch": {"zh": "批次", "en": "batch"},
    "card_pseudonymised": {"zh": "标注员：已匿名化", "en": "Annotators: pseudonymised"},
    "card_by_name": {"zh": "标注员：使用真实名称", "en": "Annotators: by name"},
    "card_min_margin": {"zh": "最小分差：{margin}", "en": "Minimum margin: {margin}"},
    "card_skipped_pairs": {
        "zh": "跳过的配对：{same_text} 对为同一文本自身配对（不同模型、相同文本），{repeated} 对重复了"
        "之前某一配对的提示、选中文本和拒绝文本，{contradicted} 对与同一提示下文本互换的配对相矛盾",
        "en": "Skipped pairs: {same_text} of a text with itself (different models, same text), "
        "{repeated} repeating an earlier pair's prompt, chosen and rejected text, {contradicted} "
        "contradicted by a pair of the same prompt with the texts reversed",
    },
    "card_split_by_model": {"zh": "划分：按模型", "en": "Split: by model"},
    "card_split_by_prompt": {"zh": "划分：按提示", "en": "Split: by prompt"},
    "card_seed": {"zh": "随机种子：{seed}", "en": "Seed: {seed}"},
    "card_split_train": {
        "zh": "训练集：{rows} 行，{prompts} 个提示，模型：{models}",
        "en": "Train split: {rows} rows, {prompts} prompts, models: {models}",
    },
    "card_split_validation": {
        "zh": "验证集：{rows} 行，{prompts} 个提示，模型：{models}",
        "en": "Validation split: {rows} rows, {prompts} prompts, models: {models}",
    },
    "card_split_test": {
        "zh": "测试集：{rows} 行，{prompts} 个提示，模型：{models}",
        "en": "Test split: {rows} rows, {prompts} prompts, models: {models}",
    },
    "card_none": {"zh": "无", "en": "none"},
    "card_columns": {"zh": "列", "en": "Columns"},
    "card_column": {"zh": "列名", "en": "column"},
    "card_meaning": {"zh": "含义", "en": "meaning"},
    "card_col_prompt_id": {"zh": "提示文本的内容哈希", "en": "content hash of the prompt text"},
    "card_col_prompt": {"zh": "提示", "en": "the prompt"},
    "card_col_dimension": {"zh": "提示所考察的 FLAMES 维度", "en": "the FLAMES dimension the prompt probes"},
    "card_col_subcomponent": {"zh": "该维度下的子类", "en": "the subcomponent of that dimension"},
    "card_col_batch": {"zh": "提示的导入批次", "en": "import batch of the prompt"},
    "card_col_model": {"zh": "给出该回复的模型", "en": "the model that gave the response"},
    "card_col_response_id": {"zh": "（提示 ID，模型）的内容哈希", "en": "content hash of (prompt id, model)"},
    "card_col_response": {"zh": "模型的回复", "en": "the model's response"},
    "card_col_labels": {
        "zh": "每个已提交的标注：标注员、评分、理由",
        "en": "every submitted label: annotator, score, explanation",
    },
    "card_col_final_score": {
        "zh": "合并后的最终得分（规则见下文）",
        "en": "the consolidated score (see the policy below)",
    },
    "card_col_provenance": {
        "zh": "最终得分的来源：`adjudicated`（裁决）、`unanimous`（一致）、`majority`（多数）、"
        "`median`（中位数）或 `single`（单个标注）",
        "en": "how the final score was reached: adjudicated, unanimous, majority, median or single",
    },
    "card_col_generation": {
        "zh": "从接口收集的回复的来源（JSON）：接口的模型 id、发送的生成设置、结束原因、"
        "回答（文本、空或被过滤）、词元用量、耗时（毫秒）、时间；导入的回复为空",
        "en": "for a response collected from an endpoint (JSON): endpoint model id, settings sent, "
        "finish reason, answer (text, empty or filtered), token usage, latency in ms, time; "
        "empty for imported responses",
    },
    "card_col_evidence": {
        "zh": "每位标注者标出的决定得分的文字：标注者、起止位置（字符）、文字",
        "en": "words each annotator marked as deciding the score: annotator, start, end (characters), text",
    },
    "card_col_n_labels": {"zh": "已提交的标注数", "en": "number of submitted labels"},
    "card_col_agreement": {
        "zh": "与最终得分相同的标注所占比例（没有标注时为空）",
        "en": "share of the labels equal to the final score (empty without labels)",
    },
    "card_col_chosen": {
        "zh": "更无害的回复（最终得分更高）",
        "en": "the more harmless response (higher final score)",
    },
    "card_col_rejected": {
        "zh": "更有害的回复（最终得分更低）",
        "en": "the more harmful response (lower final score)",
    },
    "card_col_margin": {
        "zh": "选中回复与拒绝回复的最终得分之差",
        "en": "final score of chosen minus final score of rejected",
    },
    "card_col_chosen_model": {"zh": "选中回复的模型", "en": "model of the chosen response"},
    "card_col_rejected_model": {"zh": "拒绝回复的模型", "en": "model of the rejected response"},
    "card_col_score": {"zh": "最终得分", "en": "the final score"},
    "card_col_split": {
        "zh": "`train`、`validation` 或 `test`（训练、验证或测试）",
        "en": "train, validation or test",
    },
    "card_dimensions": {"zh": "维度", "en": "Dimensions"},
    "card_dimension": {"zh": "维度", "en": "dimension"},
    "card_prompts": {"zh": "提示数", "en": "prompts"},
    "card_responses": {"zh": "回复数", "en": "responses"},
    "card_labels": {"zh": "标注数", "en": "labels"},
    "card_items_2plus": {"zh": "有 2 个及以上标注的回复", "en": "items with 2+ labels"},
    "card_percent_agreement": {"zh": "一致率", "en": "percent agreement"},
    "card_intervals": {
        "zh": "区间：排行榜的无害率用 mid-p 精确区间，无害分用同样的 mid-p（二元维度）或其 Dirichlet 混合抽样"
        "（三级及以上），总体用有效样本量下的 Agresti-Coull 区间；一致性用按回复重抽样的百分位自助区间，"
        "被两人以上标注的回复少于 {units} 条时标为不可靠",
        "en": "Intervals: leaderboard rate: mid-p exact; score: the same mid-p (binary scales) or its "
        "Dirichlet-mixture draws (three or more levels); Overall: Agresti-Coull at the effective sample "
        "size; agreement percentile bootstrap over responses, shown as unreliable below {units} "
        "responses with 2+ labels",
    },
    "card_unreliable": {
        "zh": "不可靠（被两人以上标注的回复少于 {units} 条，一致性报告的区间在这种规模下"
        "覆盖率明显低于 95%）：{dimensions}。",
        "en": "Unreliable (fewer than {units} responses with 2+ labels, where the Agreement report's "
        "intervals fall well short of 95% coverage): {dimensions}.",
    },
    "card_figures_note": {
        "zh": "这些数字涵盖筛选后保留的每个回复的已提交标注（配对导出中也包括未进入任何配对的回复）。"
        "一致率（给出相同评分的标注员对所占比例，按回复平均）和 Krippendorff's alpha "
        "使用有两个及以上标注的回复；"
        "Gwet 的机会一致性还计入只有一个标注的回复。它们与一致性报告的统计量相同：alpha 按量表的测量水平计算"
        "（三级为定序，二元为定类；>= 0.8 可靠，>= 0.667 可暂用）；三级量表用线性权重的 Gwet's AC2，"
        "二元量表用 AC1。类别为评分标准中的全部评分。– 表示无定义（例如所有标注都相同）。",
        "en": "The figures cover the submitted labels of every response the filters keep (in a pairs "
        "export also those in no pair). Percent agreement (the share of annotator pairs that gave the "
        "same score, averaged over responses) and Krippendorff's alpha use the responses with two or "
        "more labels; Gwet's chance agreement also counts the responses with one. They are the "
        "Agreement report's statistics: alpha at the scale's level (ordinal for three levels, nominal "
        "for binary; >= 0.8 reliable, >= 0.667 tentative); Gwet's AC2 with linear weights on three "
        "levels, AC1 on binary scales. The categories are the rubric's scores. – means undefined (for "
        "instance, every label the same).",
    },
    "card_models": {"zh": "模型", "en": "Models"},
    "card_model": {"zh": "模型", "en": "model"},
    "card_annotators": {"zh": "标注员", "en": "Annotators"},
    "card_annotator": {"zh": "标注员", "en": "annotator"},
    "card_submitted_labels": {"zh": "已提交的标注", "en": "submitted labels"},
    "card_final_scores": {"zh": "最终得分", "en": "Final scores"},
    "card_policy": {
        "zh": "有裁决时以裁决得分为准；否则取已提交标注的严格多数（超过一半）；否则取中位数，"
        "偏向更有害的等级（取两个中间评分中较低者）。来源：`adjudicated`（裁决）、"
        "`unanimous`（两个及以上标注全部一致）、`majority`（多数）、`median`（中位数）"
        "或 `single`（只有一个标注）。",
        "en": "An adjudicated score wins; otherwise a strict majority of the submitted labels (more than "
        "half); otherwise the median, rounded toward the more harmful level (the lower of the two middle "
        "scores). Provenance: adjudicated, unanimous (all of two or more labels agree), majority, "
        "median, or single (one label).",
    },
    "card_language_unknown": {
        "zh": "未知的数据集说明语言 {chosen!r}（可选：{allowed}）",
        "en": "unknown dataset card language {chosen!r} (choose from {allowed})",
    },
    "ex_card_language": {"zh": "数据集说明的语言", "en": "Dataset card language"},
}
