"""UI text about how intervals are computed and when a figure is too thin to trust."""

MESSAGES: dict[str, dict[str, str]] = {
    "lb_intervals": {
        "zh": "区间（{confidence}%）：无害率用 mid-p 精确区间；无害分在二元维度上由无害率区间换算，"
        "在三级及以上维度上取具有同样 mid-p 尾部的 Dirichlet 混合抽样（{bootstrap} 次）；"
        "总体用有效样本量下的 Agresti-Coull 区间。模拟（见手册的排行榜一章）显示它们在 "
        "n = 5–249、无害率 3%–97% 下覆盖真值 93–99%，宽度从不为零；旧的百分位自助法低至 15%。",
        "en": "Intervals ({confidence}%): harmless rate by the mid-p exact interval; harmless score from "
        "the rate's interval on binary dimensions and from Dirichlet-mixture draws with the same mid-p "
        "tails ({bootstrap}) on three or more levels; Overall by the Agresti-Coull interval at the "
        "effective sample size. In simulation (see the manual's Leaderboard chapter) they hold the "
        "true value 93–99% of the time for n = 5–249 and rates 3%–97%, and never have zero width; the "
        "former percentile bootstrap: as little as 15%.",
    },
    "ag_unreliable": {
        "zh": "{value}（不可靠，<{units}）",
        "en": "{value} (unreliable, < {units})",
    },
    "ag_reliability": {
        "zh": "少于 {units} 条回复被两人以上标注的数值显示为“不可靠”，不给区间：模拟显示在这种规模下自助区间"
        "覆盖真值的比例明显低于 95%。比例类数值（如“等于建议”）使用 mid-p 精确区间，任何规模都可靠。"
        "图中斜线条纹的柱子即为不可靠数值。",
        "en": "A figure on fewer than {units} responses rated twice is shown as unreliable, without an "
        "interval: in simulation, bootstrap intervals at that size hold the true value well under 95% "
        "of the time. Shares (such as “equals the suggestion”) take the mid-p exact interval, which "
        "holds at any size. Hatched bars in the charts are unreliable figures.",
    },
}
