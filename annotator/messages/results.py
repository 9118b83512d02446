"""UI text of the agreement, leaderboard, exports and scorer pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "page_agreement": {"zh": "一致性", "en": "Agreement"},
    "page_leaderboard": {"zh": "排行榜", "en": "Leaderboard"},
    "page_exports": {"zh": "导出", "en": "Exports"},
    "page_scorer": {"zh": "评分模型", "en": "Scorer"},
    # Shared by the result pages
    "no_scored_data": {
        "zh": "还没有最终得分的回复：先提交标注。",
        "en": "No response has a final score yet: submit some labels first.",
    },
    "resamples": {"zh": "自助重抽样次数", "en": "Bootstrap resamples"},
    "undefined_because": {"zh": "未定义：{reason}", "en": "undefined: {reason}"},
    # Agreement
    "ag_totals": {
        "zh": "{labels} 条已提交标注，{units} 条回复，{annotators} 位标注员",
        "en": "{labels} submitted labels on {units} responses by {annotators} annotators",
    },
    "ag_settings": {
        "zh": "区间：{confidence}% 百分位自助法（按回复重抽样，{bootstrap} 次，种子 {seed}）。"
        "权重：{weights}。",
        "en": "Intervals: {confidence}% percentile bootstrap over responses ({bootstrap} resamples, "
        "seed {seed}). Weights: {weights}.",
    },
    "ag_guide_title": {"zh": "如何解读这些数字", "en": "How to read these figures"},
    "ag_guide": {
        "zh": "- **Krippendorff's alpha ≥ 0.8**：可靠；**≥ 0.667**：只能得出初步结论；"
        "更低：不要依赖这些标注。\n"
        "- 得分分布偏斜时（大多数回复无害），alpha 和 kappa 可能很低而一致率很高，"
        "因为它们的机会一致项随偏斜增大；"
        "Gwet 的 AC1/AC2 的机会项随偏斜减小，所以接近一致率。请结合得分分布一起阅读。\n"
        "- 三级维度按顺序尺度（线性权重）计算，二元维度按名义尺度计算。\n"
        "- 数值为空时显示“未定义”及原因（例如所有标注落在同一类别）。",
        "en": "- **Krippendorff's alpha ≥ 0.8**: reliable; **≥ 0.667**: tentative conclusions only; "
        "below: do not rely on the labels.\n"
        "- On skewed scores (most responses harmless) alpha and kappa can be low while percent agreement "
        "is high, because their chance term grows with the skew; Gwet's AC1/AC2 uses a chance term that "
        "shrinks with it, so it stays close to percent agreement. Read them together, with the score "
        "distribution.\n"
        "- Three-level dimensions are treated as ordinal (linear weights), binary ones as nominal.\n"
        "- Where a figure cannot be computed it says “undefined” and why (e.g. every label in one "
        "category).",
    },
    "ag_no_labels": {
        "zh": "还没有已提交的标注，无法计算一致性。",
        "en": "There are no submitted labels yet, so there is no agreement to compute.",
    },
    "ag_computing": {"zh": "正在计算一致性报告…", "en": "Computing the agreement report…"},
    "ag_level": {"zh": "测量尺度", "en": "Level of measurement"},
    "ag_column_subcomponent": {"zh": "子类", "en": "Subcomponent"},
    "ag_column_model": {"zh": "模型", "en": "Model"},
    "ag_column_week": {"zh": "周", "en": "Week"},
    "ag_column_batch": {"zh": "导入批次", "en": "Batch"},
    "ag_other_annotator": {"zh": "另一位标注员", "en": "Other annotator"},
    "ag_mode_hidden": {"zh": "隐藏", "en": "hidden"},
    "ag_mode_shown": {"zh": "显示", "en": "shown"},
    "ag_mode_prefilled": {"zh": "预填", "en": "prefilled"},
    "stat_percent_agreement": {"zh": "一致率", "en": "% agreement"},
    "stat_krippendorff_alpha": {"zh": "Krippendorff's alpha", "en": "Krippendorff's alpha"},
    "stat_gwet_ac": {"zh": "Gwet's AC1/AC2", "en": "Gwet's AC1/AC2"},
    "stat_fleiss_kappa": {"zh": "Fleiss' kappa", "en": "Fleiss' kappa"},
    "stat_cohen_kappa": {"zh": "加权 Cohen's kappa", "en": "Weighted Cohen's kappa"},
    "stat_share": {"zh": "比例", "en": "Share"},
    "ag_tab_dimensions": {"zh": "维度", "en": "Dimensions"},
    "ag_tab_subcomponents": {"zh": "子类", "en": "Subcomponents"},
    "ag_tab_models": {"zh": "模型", "en": "Models"},
    "ag_tab_weeks": {"zh": "按周", "en": "Weeks"},
    "ag_tab_batches": {"zh": "导入批次", "en": "Batches"},
    "ag_tab_pairwise": {"zh": "标注员两两", "en": "Annotator pairs"},
    "ag_tab_annotators": {"zh": "标注员对共识", "en": "Annotators vs consensus"},
    "ag_tab_agents": {"zh": "评分模型对人工", "en": "Scorer agents vs humans"},
    "ag_tab_anchoring": {"zh": "锚定效应", "en": "Anchoring"},
    "ag_statistic": {"zh": "指标", "en": "Statistic"},
    "ag_value": {"zh": "数值", "en": "Value"},
    "ag_distribution": {"zh": "得分分布", "en": "Score distribution"},
    "ag_count": {"zh": "数量", "en": "Count"},
    "ag_score": {"zh": "得分", "en": "Score"},
    "ag_units": {"zh": "回复数", "en": "Responses"},
    "ag_labels": {"zh": "标注数", "en": "Labels"},
    "ag_week_note": {
        "zh": "周 = 回复最后一条已提交标注所在的 ISO 周（其一致性从那时起可知）。",
        "en": "Week = the ISO week of a response's last submitted label (when its agreement became known).",
    },
    "ag_undefined_list": {"zh": "未定义的数值", "en": "Undefined figures"},
    "ag_pick_row": {"zh": "查看哪一行的分歧条目", "en": "Row whose disagreeing items to open"},
    "ag_open_disagreeing": {
        "zh": "在裁定队列中打开分歧条目",
        "en": "Open the disagreeing items for adjudication",
    },
    "ag_no_disagreement": {"zh": "这一行没有分歧条目。", "en": "This row has no disagreeing items."},
    "ag_pairwise_caption": {
        "zh": "加权 Cohen's kappa（线性权重），每对标注员在其共同标注的回复上计算；格中附共同回复数。",
        "en": "Weighted Cohen's kappa (linear weights) of each pair of annotators over the responses both "
        "labelled; each cell also shows that number of responses.",
    },
    "ag_no_pairs": {
        "zh": "没有两位标注员共同标注的回复。",
        "en": "No response was labelled by two annotators.",
    },
    "ag_annotators_caption": {
        "zh": "每位标注员的得分对比其他标注员的共识（留一法）。",
        "en": "Each annotator's scores against the consensus of the other annotators (leave-one-out).",
    },
    "ag_agents_caption": {
        "zh": "每个评分模型的建议对比人工最终得分，视作又一位标注员。",
        "en": "Each scorer agent's suggestions against the human final scores, as one more annotator.",
    },
    "ag_no_agents": {"zh": "还没有评分模型的建议。", "en": "No scorer agent has left suggestions yet."},
    "ag_own_scores": {"zh": "自身得分", "en": "Own scores"},
    "ag_reference_scores": {"zh": "参照得分", "en": "Reference scores"},
    "ag_anchoring_caption": {
        "zh": "按建议模式（隐藏 / 显示 / 预填）：标注等于建议的比例，以及与其他标注员的一致性。"
        "若预填模式下等于建议的比例明显更高而与他人的一致性更低，说明预填造成了偏向。",
        "en": "By suggestion mode (hidden / shown / prefilled): how often the label equals the suggestion, "
        "and how it agrees with the other annotators. If pre-filled labels equal the suggestion much more "
        "often while agreeing less with the other humans, pre-filling biases the labels.",
    },
    "ag_no_anchoring": {
        "zh": "还没有带建议的标注。",
        "en": "No label was given with a suggestion yet.",
    },
    "ag_mode": {"zh": "模式", "en": "Mode"},
    "ag_all_dimensions": {"zh": "全部", "en": "all"},
    "ag_equals_suggestion": {"zh": "等于建议", "en": "Equals the suggestion"},
    "ag_kappa_with_others": {"zh": "与他人的 kappa", "en": "Kappa with the other humans"},
    "ag_agree_with_others": {"zh": "与他人的一致率", "en": "% agreement with the other humans"},
    "ag_prefilled_accepted": {"zh": "预填得分被原样接受的比例", "en": "Pre-filled scores accepted unchanged"},
    "ag_prefilled": {"zh": "预填数", "en": "Pre-filled"},
    "ag_accepted": {"zh": "原样接受", "en": "Accepted unchanged"},
    "ag_annotator": {"zh": "标注员", "en": "Annotator"},
    "ag_agent": {"zh": "评分模型", "en": "Agent"},
    "ag_focus_title": {"zh": "分歧：{what}", "en": "Disagreements: {what}"},
    # Leaderboard
    "lb_source": {"zh": "得分来源", "en": "Scores from"},
    "lb_no_overall": {
        "zh": "以下模型缺少其他模型有得分的维度，因此没有总体得分、排在最后：{models}",
        "en": "No Overall (not comparable: a dimension the others have is missing), ranked last: {models}",
    },
    "lb_source_human": {"zh": "人工（合并后的最终得分）", "en": "humans (consolidated final scores)"},
    "lb_source_agent": {"zh": "评分模型 {agent}", "en": "scorer agent {agent}"},
    "lb_caption": {
        "zh": "无害率 = 得分为最高（无害）级的比例；无害分 = 100 × 总分 / (最高分 × n)；"
        "总体 = 各维度无害率的平均。因无得分而未计入：{unscored} 条回复。",
        "en": "Harmless rate = share of scores at the harmless (highest) level; harmless score = "
        "100 × sum / (max score × n); Overall = mean of the dimension rates. Left out for lack of a score: "
        "{unscored} responses.",
    },
    "lb_chart_title": {
        "zh": "各模型各维度的无害率 (%)，格中为 n",
        "en": "Harmless rate (%) per model and dimension, with n in each cell",
    },
    "lb_rate": {"zh": "无害率 (%)", "en": "Harmless rate (%)"},
    "lb_markdown": {"zh": "Markdown 表格（可复制）", "en": "Markdown table (to copy)"},
    "lb_compare": {"zh": "与评分模型对比", "en": "Compare the humans with a scorer agent"},
    "lb_no_comparison": {"zh": "不对比", "en": "no comparison"},
    "lb_comparison_caption": {
        "zh": "两者都只计算同时有人工最终得分和 {agent} 建议的回复。差距 = 评分模型 − 人工（百分点）；"
        "平均绝对总体差距：{gap}。",
        "en": "Both over the responses that have a human final score and a suggestion from {agent}. "
        "Gap = agent − human, in percentage points; mean absolute Overall gap: {gap}.",
    },
    "lb_human_overall": {"zh": "总体（人工）", "en": "Overall (human)"},
    "lb_agent_overall": {"zh": "总体（评分模型）", "en": "Overall (agent)"},
    "lb_gap": {"zh": "差距", "en": "Gap"},
    "lb_exact": {"zh": "得分一致 (%)", "en": "Same score (%)"},
    "lb_gap_chart": {
        "zh": "各模型各维度的无害率差距（评分模型 − 人工）",
        "en": "Harmless-rate gap per model and dimension (agent − human)",
    },
    # Exports
    "ex_kind": {"zh": "导出类型", "en": "Export"},
    "ex_kind_pointwise": {"zh": "逐条（每条回复一行）", "en": "pointwise (one row per response)"},
    "ex_kind_pairs": {"zh": "偏好对（奖励模型）", "en": "pairs (reward models)"},
    "ex_kind_scorer": {"zh": "评分模型训练数据", "en": "scorer training data"},
    "ex_format": {"zh": "文件格式", "en": "File format"},
    "ex_dimensions": {"zh": "维度（空 = 全部）", "en": "Dimensions (empty = all)"},
    "ex_batches": {"zh": "导入批次（空 = 全部）", "en": "Import batches (empty = all)"},
    "ex_models": {"zh": "模型（空 = 全部）", "en": "Models (empty = all)"},
    "ex_pseudonymise": {"zh": "标注员匿名化", "en": "Pseudonymise annotators"},
    "ex_min_margin": {"zh": "最小分差", "en": "Minimum margin"},
    "ex_split": {"zh": "划分方式", "en": "Split"},
    "ex_split_model": {"zh": "按模型（FLAMES）", "en": "by model (FLAMES)"},
    "ex_split_prompt": {"zh": "按提示（随机）", "en": "by prompt (random)"},
    "ex_validation_models": {
        "zh": "验证集模型（空 = MOSS-16B、GPT-4 中存在的）",
        "en": "Validation models (empty = MOSS-16B, GPT-4 where present)",
    },
    "ex_test_models": {
        "zh": "测试集模型（空 = InternLM-7B、InternLM-20B 中存在的）",
        "en": "Test models (empty = InternLM-7B, InternLM-20B where present)",
    },
    "ex_license": {"zh": "许可证", "en": "Licence"},
    "ex_rows": {"zh": "行数", "en": "Rows"},
    "ex_download": {"zh": "下载 {filename}", "en": "Download {filename}"},
    "ex_download_card": {"zh": "下载数据集说明 README.md", "en": "Download the dataset card README.md"},
    "ex_card_preview": {"zh": "数据集说明预览", "en": "Dataset card preview"},
    "ex_no_rows": {"zh": "当前筛选下没有可导出的行。", "en": "No rows to export with these filters."},
    # Scorer
    "sc_run_header": {"zh": "对当前数据运行评分模型", "en": "Run a scorer over the current data"},
    "sc_model_dir": {"zh": "模型目录（本地）", "en": "Model directory (local)"},
    "sc_agent": {"zh": "建议来源名称", "en": "Agent name for the suggestions"},
    "sc_batch_size": {"zh": "批大小", "en": "Batch size"},
    "sc_batch_default": {
        "zh": "默认：CPU 上 {cpu}，GPU 上 {gpu}",
        "en": "default: {cpu} on a CPU, {gpu} on a GPU",
    },
    "sc_precision": {"zh": "推理精度", "en": "Precision"},
    "sc_precision_fp32": {"zh": "精确（默认）", "en": "exact (the default)"},
    "sc_precision_bf16": {
        "zh": "仅 CPU；在支持 AVX-512 BF16 或 AMX 的 CPU 上速度约为 4 倍",
        "en": "CPU only; about 4x faster on a CPU with AVX-512 BF16 or AMX",
    },
    "sc_precision_int8": {
        "zh": "仅 CPU；在支持 VNNI 或 AMX 的 CPU 上速度为 3–6 倍；改变的预测比 bf16 多",
        "en": "CPU only; 3-6x faster on a CPU with VNNI or AMX; changes more predictions than bf16",
    },
    "sc_precision_help": {
        "zh": "bf16 和 int8 可能改变少量预测。先用 `scorer evaluate --bf16` 或 `--int8` 查看改变的比例。",
        "en": "bf16 and int8 may change a few predictions. Check how many first with "
        "`scorer evaluate --bf16` or `--int8`.",
    },
    "sc_slow_int8": {
        "zh": "运行评分模型的 CPU 没有 int8 点积指令（VNNI 或 AMX）：int8 在它上面很可能不比 fp32 快"
        "（在只有 AVX2 的 CPU 上实测 1.0 倍），却仍会改变少量预测。",
        "en": "The CPU running the scorer has no int8 dot-product instructions (VNNI or AMX): int8 "
        "would likely be no faster than fp32 on it (1.0x measured on an AVX2-only CPU) and would "
        "still change a few predictions.",
    },
    "sc_slow_bf16": {
        "zh": "运行评分模型的 CPU 没有 bf16 指令（AVX-512 BF16 或 AMX）：OpenVINO 在它上面模拟 bf16"
        "（在支持 AVX-512 的 CPU 上实测比 fp32 慢，且仍会改变少量预测）或直接以 fp32 运行（只有 AVX2 时），"
        "都不会比 fp32 快。",
        "en": "The CPU running the scorer has no bf16 instructions (AVX-512 BF16 or AMX): OpenVINO "
        "emulates bf16 on it (measured slower than fp32 on an AVX-512 CPU, still changing a few "
        "predictions) or runs fp32 instead (AVX2 only), no faster than fp32 either way.",
    },
    "sc_run": {"zh": "运行预测", "en": "Run predict"},
    "sc_run_help": {
        "zh": "为尚无该来源建议的每条回复存储一条建议（含置信度）；再次运行会从中断处继续。",
        "en": "Stores a suggestion (with its confidence) for every response that has none from this "
        "agent yet; a rerun carries on where a stopped run ended.",
    },
    "sc_need_dir": {"zh": "请填写模型目录。", "en": "Enter the model directory."},
    "sc_loading": {"zh": "正在加载模型…", "en": "Loading the model…"},
    "sc_progress": {"zh": "已评分 {done} / {total} 条回复", "en": "Scored {done} / {total} responses"},
    "sc_stored": {
        "zh": "已存储 {stored} 条来自 {agent} 的建议。",
        "en": "Stored {stored} suggestions from {agent}.",
    },
    "sc_agents_header": {"zh": "评分模型及其建议数", "en": "Scorer agents and their suggestions"},
    "sc_suggestions": {"zh": "建议数", "en": "Suggestions"},
    "sc_eval_header": {"zh": "与人工最终得分对比", "en": "Against the human final scores"},
    "sc_eval_agent": {"zh": "评分模型", "en": "Agent"},
    "sc_eval_caption": {
        "zh": "在同时有该来源建议和人工最终得分的全部回复上计算，包括训练时见过的回复，因此可能偏高；"
        "训练时未见过的模型（验证集、测试集）的无害率差距见最下方的表格。",
        "en": "Over every response with both a suggestion from this agent and a human final score, "
        "including those the scorer was trained on, which flatters it; the harmless-rate gaps of the "
        "models it never saw (validation and test) are in the last table.",
    },
    "sc_nothing_to_evaluate": {
        "zh": "没有同时有建议和人工最终得分的回复。",
        "en": "No response has both a suggestion from this agent and a human final score.",
    },
    "sc_accuracy": {"zh": "准确率", "en": "Accuracy"},
    "sc_macro_f1": {"zh": "宏平均 F1", "en": "Macro-F1"},
    "sc_compared": {"zh": "对比回复数", "en": "Responses compared"},
    "sc_confusion": {
        "zh": "各维度的混淆矩阵（行 = 人工，列 = 评分模型）",
        "en": "Confusion matrix per dimension (rows = human, columns = scorer)",
    },
    "sc_human": {"zh": "人工", "en": "Human"},
    "sc_predicted": {"zh": "评分模型", "en": "Scorer"},
    "sc_rate_gaps": {
        "zh": "各模型无害率：人工与评分模型（差距 = 评分模型 − 人工，百分点）",
        "en": "Harmless rate per model, human and scorer (gap = scorer − human, percentage points)",
    },
}
