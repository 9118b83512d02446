"""Refusals about how the tool is set up: the database file a command is given, optional extras."""

MESSAGES: dict[str, dict[str, str]] = {
    "db_missing": {
        "zh": "数据库 {path} 不存在（未创建任何文件）：用 `python -m annotator --db {path} init` 创建"
        "（`init --demo` 创建演示数据库），或用 `--db` 指定已有的数据库",
        "en": "no database at {path} (nothing was created): create one with "
        "`python -m annotator --db {path} init` (`init --demo` for the demo data), "
        "or pass --db with an existing database",
    },
    "db_missing_demo": {
        "zh": "数据库 {path} 不存在（未创建任何文件）：演示数据库在 {demo}，"
        "请用 `python -m annotator --db {demo} …`；"
        "或用 `python -m annotator --db {path} init` 创建新的数据库",
        "en": "no database at {path} (nothing was created): the demo database is {demo}, use "
        "`python -m annotator --db {demo} ...`; or create a new one with "
        "`python -m annotator --db {path} init`",
    },
    "fast_extra_missing": {
        "zh": "--bf16 和 --int8 需要可选的快速 CPU 组件 OpenVINO 和 NNCF，尚未安装："
        "用 `./dev app --fast` 或 `pip install -r requirements-fast.txt` 安装",
        "en": "--bf16 and --int8 need the optional fast-CPU extra (OpenVINO and NNCF), which is not "
        "installed: install it with `./dev app --fast` or `pip install -r requirements-fast.txt`",
    },
}
