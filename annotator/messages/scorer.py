"""Refusals of the scorer package (loading a scorer or a base model, bf16/int8 compilation), which
the Scorer page shows in the UI language and the command line in English."""

MESSAGES: dict[str, dict[str, str]] = {
    "sc_err_base": {
        "zh": "无法加载基座模型 {base}：{detail}",
        "en": "cannot load the base model {base}: {detail}",
    },
    "sc_err_no_dir": {
        "zh": "评分模型目录 {path} 不存在",
        "en": "scorer model directory {path} does not exist",
    },
    "sc_err_incomplete": {
        "zh": "{path} 不是评分模型目录：缺少 {missing}",
        "en": "{path} is not a scorer model directory: missing {missing}",
    },
    "sc_err_unreadable": {
        "zh": "{path}：评分模型文件无法读取：`{detail}`",
        "en": "{path}: unreadable scorer files: {detail}",
    },
    "sc_err_format": {
        "zh": "{path}：未知的评分模型格式 {format}",
        "en": "{path}: unknown scorer format {format}",
    },
    "sc_err_load": {
        "zh": "{path}：无法加载保存的模型：{detail}",
        "en": "{path}: cannot load the saved model: {detail}",
    },
    "sc_err_heads": {
        "zh": "{path} 与 {rubric_file} 不匹配：{detail}",
        "en": "{path} does not fit {rubric_file}: {detail}",
    },
    "sc_err_calibration": {
        "zh": "{path}：应为文本组成的 JSON 列表",
        "en": "{path}: expected a JSON list of texts",
    },
    "sc_err_rubric": {
        "zh": "{where} 中的评分模型是按评分标准 {trained} 训练的，与 {expected} 不一致：{problems}",
        "en": "the scorer in {where} was trained for rubric {trained}, which does not match {expected}: "
        "{problems}",
    },
    "sc_err_dimension_missing": {"zh": "缺少维度 {name!r}", "en": "dimension {name!r} is missing"},
    "sc_err_dimension_extra": {
        "zh": "维度 {name!r} 不在项目评分标准中",
        "en": "dimension {name!r} is not in the project rubric",
    },
    "sc_err_levels": {
        "zh": "{name} 在模型中的等级为 {there}，项目中为 {here}",
        "en": "{name} has levels {there} there and {here} here",
    },
    "sc_err_fast_device": {
        "zh": "{precision} 推理只能在 CPU 上运行；此评分模型在 {device} 上",
        "en": "{precision} inference runs on the CPU only; this scorer is on {device}",
    },
    "sc_err_int8_calibration": {
        "zh": "int8 需要评分模型训练时保存的校准文本（calibration.json）；此模型没有："
        "请用当前版本重新训练，或改用 bf16",
        "en": "int8 needs the calibration texts a scorer saves when it is trained (calibration.json); "
        "this scorer has none: train it again with this version, or use bf16",
    },
    "sc_err_max_length": {
        "zh": "最大长度 {max_length} 容不下 `{template}` 模板的文字",
        "en": "max length {max_length} leaves no room for the {template} template's text",
    },
    "sc_err_fast_encoder": {
        "zh": "bf16 和 int8 需要 BERT/RoBERTa 类编码器（encoder.layer）；此模型是 {kind}",
        "en": "bf16 and int8 need a BERT/RoBERTa-style encoder (encoder.layer); this one is {kind}",
    },
}
