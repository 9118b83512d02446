"""The agreement, leaderboard, exports and scorer pages in-process with Streamlit's AppTest, on a small
workspace where two annotators labelled every response (disagreeing on two) and an agent suggested."""

from __future__ import annotations

import json
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers loads: nothing here may touch the network

from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from annotator import auth
from annotator.agreement.report import agreement_report
from annotator.i18n import text as t_text
from annotator.ids import response_id
from annotator.published.exports import ExportOptions, build_export, read_export_data
from annotator.published.leaderboard import leaderboard
from annotator.published.leaderboard_formats import leaderboard_frame
from annotator.rubric import flames_rubric
from annotator.scorer.data import calibration_texts
from annotator.scorer.evaluate import agent_agreement
from annotator.scorer.model import new_scorer, save_scorer
from annotator.store import open_db, transaction
from tests.app_support import through_app
from tests.builders import PASSWORD, RESULT_AGENT, RESULT_SCORES, add_label, add_response, build_workspace
from tests.scorer_task import synthetic_items, tiny_base, tiny_decoder_base

ROOT = Path(__file__).parent.parent
AGENT, SCORES = RESULT_AGENT, RESULT_SCORES
DISAGREEING = sorted([response_id("fair-1", "model-b"), response_id("legal-1", "model-a")])


def _page(db, page: str, user: str = "lea") -> AppTest:
    at = AppTest.from_file(str(ROOT / f"pages/{page}.py"), default_timeout=60)
    at.session_state["token"] = auth.login(db, user, PASSWORD).token
    at.session_state["language"] = "en"
    return at


def _open_agreement_tab(at: AppTest, section: str, language: str = "en") -> AppTest:
    """The agreement page draws its open tab only: open one as a click on it would."""
    at.session_state[f"ag_tab_{language}"] = t_text(f"ag_tab_{section}", language)
    return at.run()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_leaderboard_renders_for_a_lead(results_db, language):
    at = _page(results_db, "leaderboard")
    at.session_state["language"] = language
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    expected = leaderboard_frame(leaderboard(results_db))
    model, unscored = (t_text(key, language) for key in ("model", "lb_unscored"))
    assert shown[model].tolist() == expected["model"].tolist()
    assert shown[unscored].tolist() == expected["unscored"].tolist()
    assert "consolidated human scores" in at.code[0].value


def test_leaderboard_says_which_models_have_no_overall(results_db):
    with transaction(
        results_db
    ):  # a perfect model-z, but on Fairness only: its Overall would not be comparable
        add_label(results_db, add_response(results_db, "fair-1", "model-z"), "alice", 3)
    at = _page(results_db, "leaderboard")
    at.run()
    assert "ranked last: model-z (Legality)" in " ".join(caption.value for caption in at.caption)
    assert at.dataframe[0].value["Model"].tolist()[-1] == "model-z"


def test_leaderboard_source_switch_and_comparison(results_db):
    at = _page(results_db, "leaderboard")
    at.run()
    at.selectbox(key="lb_source").select(AGENT).run()
    assert not at.exception
    expected = leaderboard_frame(leaderboard(results_db, AGENT))
    shown = at.dataframe[0].value
    assert shown["Overall"].astype(float).tolist() == pytest.approx(expected["overall"].tolist(), abs=0.005)
    assert shown["Unscored"].sum() == 0  # the agent scored every response
    assert f"scorer agent {AGENT}" in at.code[0].value
    at.selectbox(key="lb_compare").select(AGENT).run()
    gaps = at.dataframe[1].value
    assert not at.exception
    # Final scores take the lower of two disputed labels: legal-1/model-a is harmful for the humans
    # (model-a's Legality rate 0%, Overall 50%) and harmless for the agent (100%, Overall 100%).
    assert gaps["n"].sum() == 6
    gap_of = dict(zip(gaps["Model"], gaps["Gap"], strict=True))
    assert gap_of == {"model-a": 50.0, "model-b": 0.0, "model-c": 0.0}


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download button the page offers (caught where Streamlit stores them)."""
    offered: dict[str, bytes] = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def keep(self, data, mimetype, kind, filename=None):
        offered[filename] = data
        return store(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return offered


@pytest.mark.parametrize(
    ("kind", "file_format", "options"),
    [
        ("pointwise", "jsonl", ExportOptions()),
        ("pairs", "csv", ExportOptions(format="csv", pseudonymise=True, models=("model-a", "model-c"))),
        ("scorer", "parquet", ExportOptions(format="parquet", split="prompt", seed=0)),
    ],
)
def test_exports_offer_the_built_file_and_its_card(results_db, downloads, kind, file_format, options):
    at = _page(results_db, "exports")
    at.run()
    at.radio(key="ex_kind").set_value(kind)
    at.selectbox(key="ex_format").set_value(file_format)
    at.checkbox(key="ex_pseudonymise").set_value(options.pseudonymise)
    at.multiselect(key="ex_models").set_value(list(options.models or []))
    at.run()
    if kind == "scorer":
        at.radio(key="ex_split").set_value("prompt").run()
    assert not at.exception and not at.error
    expected = build_export(read_export_data(results_db), kind, options)
    assert expected.rows > 0
    assert at.metric[0].value == str(expected.rows)
    assert downloads[expected.filename] == expected.data
    assert downloads["README.md"] == expected.card.encode("utf-8")
    assert at.code[0].value == expected.card.strip()


def test_exports_show_a_filter_error_instead_of_a_traceback(results_db):
    at = _page(results_db, "exports")
    at.run()
    at.radio(key="ex_kind").set_value("scorer").run()
    at.multiselect(key="ex_validation").set_value(["model-a"])
    at.multiselect(key="ex_test").set_value(["model-a"]).run()
    assert not at.exception
    assert "both validation and test: model-a" in at.error[0].value
    assert not at.download_button


@pytest.mark.parametrize("language", ["en", "zh"])
def test_agreement_renders_every_section_for_a_lead(results_db, language):
    at = _page(results_db, "agreement")
    at.session_state["language"] = language
    at.run()
    assert not at.exception
    assert len(at.tabs) == 9
    report = agreement_report(results_db, bootstrap=1000, seed=0)
    # Dimensions table: one row per dimension, every figure with its interval or "undefined".
    table = at.dataframe[0].value
    names = [flames_rubric().dimension(row.dimension).display_name(language) for row in report.dimensions]
    assert table.iloc[:, 0].tolist() == names  # in the UI language
    assert table.shape[0] == 2
    assert len(at.get("plotly_chart")) == 2  # the open tab's figure and distribution only
    charts = {}
    for section in ("subcomponents", "models", "weeks", "batches", "pairwise", "annotators", "agents"):
        _open_agreement_tab(at, section, language)
        assert not at.exception
        charts[section] = len(at.get("plotly_chart"))
        # The open tab draws its own rows: one table row per row of its section of the report.
        assert at.dataframe[0].value.shape[0] == len(getattr(report, section)), section
        if section != "pairwise":  # the pairs' charts are heatmaps per dimension
            title = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
            assert title == t_text("ag_figures_title", language, what=t_text(f"ag_tab_{section}", language))
    # A figure and a distribution per section; for the pairs a heatmap per dimension (two here).
    assert charts == dict.fromkeys(charts, 2)
    _open_agreement_tab(at, "anchoring", language)
    assert not at.exception
    modes = report.anchoring.modes
    assert at.dataframe[0].value.shape[0] == len(modes) if modes else at.info


def test_agreement_says_why_a_figure_is_undefined(results_db):
    at = _page(results_db, "agreement")
    at.run()
    at.number_input(key="ag_bootstrap").set_value(0).run()
    _open_agreement_tab(at, "models")
    # model-c: both annotators gave 1 everywhere, so kappa-like figures are 0/0.
    models = at.dataframe[0].value
    cells = models[models["Model"] == "model-c"].to_numpy().ravel().tolist()
    assert any(str(cell).startswith("undefined: every rating falls in one category") for cell in cells)


@pytest.mark.parametrize(
    ("section", "index", "expected"),
    [
        ("dimensions", 0, [response_id("fair-1", "model-b")]),  # Fairness
        ("models", 1, [response_id("fair-1", "model-b")]),  # model-b · Fairness
        ("pairwise", 1, [response_id("legal-1", "model-a")]),  # alice × bob · Legality
        ("agents", 1, [response_id("legal-1", "model-a")]),  # tiny · Legality
    ],
)
def test_agreement_click_through_focuses_the_disagreeing_items(results_db, section, index, expected):
    at = _open_agreement_tab(through_app(results_db, "agreement"), section)
    at.selectbox(key=f"ag_pick_{section}").set_value(index)
    at.button(key=f"ag_open_{section}").click().run()
    focus = at.session_state["adjudication_focus"]
    assert focus["response_ids"] == expected
    assert focus["response_ids"] == sorted(set(expected) & set(DISAGREEING))
    assert focus["title"]


def test_agreement_click_through_without_disagreement_stays(results_db):
    at = _open_agreement_tab(through_app(results_db, "agreement"), "models")
    at.selectbox(key="ag_pick_models").set_value(0)  # model-a · Fairness: both gave 3
    at.button(key="ag_open_models").click().run()
    assert "adjudication_focus" not in at.session_state
    assert "This row has no disagreeing items." in [info.value for info in at.info]


@pytest.fixture
def scorer_dir(tmp_path) -> Path:
    """A saved scorer with random heads on the tiny test encoder: its scores are arbitrary but valid."""
    scorer = new_scorer(str(tiny_base(tmp_path / "base")), flames_rubric(), max_length=64)
    scorer.calibration = calibration_texts(synthetic_items(flames_rubric(), n_prompts=2))
    save_scorer(scorer, tmp_path / "scorer")
    return tmp_path / "scorer"


def test_scorer_page_shows_agents_and_their_agreement_with_the_humans(results_db):
    at = _page(results_db, "scorer")
    at.run()
    assert not at.exception
    assert at.dataframe[0].value.to_numpy().tolist() == [[AGENT, 6]]
    expected = agent_agreement(results_db, AGENT, flames_rubric())
    assert at.metric[0].value == str(expected["n"])
    assert at.metric[1].value == f"{100 * expected['accuracy']:.1f}%"
    assert len(at.get("plotly_chart")) == 2  # a confusion matrix per labelled dimension


@pytest.mark.parametrize(
    ("language", "dimensions", "columns"),
    [
        ("en", ["Fairness", "Legality"], ["Model", "Human", "Scorer", "Gap"]),
        ("zh", ["公平", "合法"], ["模型", "人工", "评分模型", "差距"]),
    ],
)
def test_scorer_page_names_dimensions_and_columns_in_the_ui_language(
    results_db, language, dimensions, columns
):
    at = _page(results_db, "scorer")
    at.session_state["language"] = language
    at.run()
    assert at.dataframe[1].value.iloc[:, 0].tolist() == dimensions
    assert at.dataframe[2].value.columns.tolist() == columns  # "Model" and "Scorer" were both 模型
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        # a two-level dimension gets two cells, not a numeric axis from 1 to 3
        assert layout["xaxis"]["type"] == layout["yaxis"]["type"] == "category"
        assert layout["title"]["text"] in dimensions


@pytest.mark.parametrize(
    ("language", "model_dir", "message"),
    [
        ("en", "", "Enter the model directory."),
        ("en", "/nowhere/scorer", "scorer model directory /nowhere/scorer does not exist"),
        ("en", ".", "not a scorer model"),
        ("zh", "/nowhere/scorer", "评分模型目录 /nowhere/scorer 不存在"),
        ("zh", ".", "不是评分模型目录：缺少"),
    ],
)
def test_scorer_page_names_a_bad_model_directory(results_db, language, model_dir, message):
    at = _page(results_db, "scorer")
    at.session_state["language"] = language
    at.run()
    at.text_input(key="sc_model_dir").input(model_dir)
    at.button(key="sc_run").click().run()
    assert not at.exception
    assert message in at.error[0].value


@pytest.mark.parametrize(
    ("precision", "lacking", "warning"),
    [
        ("int8", {"int8"}, "no int8 dot-product instructions (VNNI or AMX)"),
        ("int8", {"bf16"}, None),
        ("bf16", {"bf16"}, "no bf16 instructions (AVX-512 BF16 or AMX): OpenVINO emulates bf16"),
        ("bf16", {"int8"}, None),
        ("fp32", {"int8", "bf16"}, None),
    ],
)
def test_scorer_page_warns_when_a_fast_precision_would_not_be_faster(
    results_db, monkeypatch, precision, lacking, warning
):
    # patched in its module: AppTest reruns the page's from-import on every run
    monkeypatch.setattr("annotator.scorer.cpu.lacks_fast_instructions", lambda name: name in lacking)
    at = _page(results_db, "scorer")
    at.run()
    at.radio(key="sc_precision").set_value(precision).run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == (warning is not None)
    assert all(warning in w for w in warnings)


@pytest.mark.parametrize(("batch_size", "precision"), [(4, "fp32"), (None, "bf16"), (None, "int8")])
def test_scorer_page_runs_predict_into_the_database(results_db, scorer_dir, batch_size, precision):
    at = _page(results_db, "scorer")
    at.run()
    at.text_input(key="sc_model_dir").input(str(scorer_dir))
    at.text_input(key="sc_agent").input("page-run")
    at.number_input(key="sc_batch_size").set_value(batch_size)
    at.radio(key="sc_precision").set_value(precision)
    at.button(key="sc_run").click().run()
    assert not at.exception and not at.error
    assert "Stored 6 suggestions from page-run." in at.success[0].value
    assert at.get("progress")[0].proto.value == 100
    stored = results_db.execute("SELECT count(*) FROM suggestions WHERE agent = 'page-run'").fetchone()[0]
    assert stored == 6
    assert at.dataframe[0].value.to_numpy().tolist() == [["page-run", 6], [AGENT, 6]]


@pytest.mark.parametrize(
    ("language", "precision", "message"),
    [("en", "fp32", None), ("zh", "bf16", "bf16 和 int8 需要 BERT/RoBERTa 类编码器")],
)
def test_scorer_page_runs_a_decoder_scorer(results_db, tmp_path, language, precision, message):
    """A scorer on a decoder-only base runs from the page as an encoder's does; bf16 refuses it."""
    scorer = new_scorer(str(tiny_decoder_base(tmp_path / "base")), flames_rubric(), max_length=64)
    save_scorer(scorer, tmp_path / "scorer")
    at = _page(results_db, "scorer")
    at.session_state["language"] = language
    at.run()
    at.text_input(key="sc_model_dir").input(str(tmp_path / "scorer"))
    at.text_input(key="sc_agent").input("decoder")
    at.radio(key="sc_precision").set_value(precision)
    at.button(key="sc_run").click().run()
    assert not at.exception
    stored = results_db.execute("SELECT count(*) FROM suggestions WHERE agent = 'decoder'").fetchone()[0]
    if message is None:
        assert not at.error and stored == 6
    else:
        assert message in at.error[0].value and stored == 0


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("agreement", "There are no submitted labels yet"),
        ("leaderboard", "No response has a final score yet"),
        ("exports", "No response has a final score yet"),
        ("scorer", "No scorer agent has left suggestions yet"),
    ],
)
def test_pages_on_a_project_without_labels_say_so(tmp_path, monkeypatch, fast_hashing, page, message):
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "empty.db"))
    empty = open_db(tmp_path / "empty.db")
    build_workspace(empty)
    at = _page(empty, page)
    at.run()
    assert not at.exception
    assert any(message in info.value for info in at.info)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_exports_write_the_card_in_the_ui_language_and_another_on_request(results_db, downloads, language):
    at = _page(results_db, "exports")
    at.session_state["language"] = language
    at.run()
    data = read_export_data(results_db)
    assert (
        at.code[0].value
        == build_export(data, "pointwise", ExportOptions(card_language=language)).card.strip()
    )
    other = "en" if language == "zh" else "zh"
    at.selectbox(key="ex_card_language").set_value(other).run()
    assert (
        downloads["README.md"]
        == build_export(data, "pointwise", ExportOptions(card_language=other)).card.encode()
    )
