from __future__ import annotations

import pytest

from core.errors import ModelNotReady
from core.inference.service import ClassifierService
from tests.pages.conftest import as_shown, goto, new_session

SUBMIT = "classify_submit"


def _submit(at, text="そうだ京都に行こう!"):
    at.text_area(key="classify_text").input(text)
    at.button(key=SUBMIT).click()
    at.run()
    assert not at.exception
    return at


def _table(at):
    table = at.table[0].value
    table["ラベル"] = table["ラベル"].map(as_shown)
    return table


def test_classify_shows_labels_ranked_by_score(app, ready_service):
    table = _table(_submit(app))
    expected = ready_service.classify("そうだ京都に行こう!", ["旅行", "料理", "踊り"])
    assert list(table["ラベル"]) == list(expected.labels)
    assert list(table["スコア"]) == pytest.approx(expected.scores)
    assert list(table["スコア"]) == sorted(table["スコア"], reverse=True)


def test_unchecked_label_is_left_out(app):
    app.checkbox(key="classify_label_1_料理").uncheck()
    assert set(_table(_submit(app))["ラベル"]) == {"旅行", "踊り"}


def test_custom_labels_join_the_candidates(app):
    app.text_input(key="classify_custom").input("音楽, 政治")
    assert set(_table(_submit(app))["ラベル"]) == {"旅行", "料理", "踊り", "音楽", "政治"}


def test_multi_label_scores_each_label_alone(app, ready_service):
    app.toggle(key="classify_multi").set_value(True)
    table = _table(_submit(app))
    expected = ready_service.classify(
        "そうだ京都に行こう!", ["旅行", "料理", "踊り"], multi_label=True
    )
    assert list(table["スコア"]) == pytest.approx(expected.scores)


def test_empty_text_gets_a_message_not_a_result(app):
    _submit(app, text="   ")
    assert "テキストが空です" in app.error[0].value
    assert not app.table


def test_template_without_placeholder_is_explained(app):
    app.text_input(key="classify_template").input("この例です。")
    _submit(app)
    assert "{}" in app.error[0].value


def test_english_ui_is_selectable(app):
    app.radio(key="ui_language_picker").set_value("en").run()
    assert app.title[0].value == "Japanese zero-shot classification"
    assert "Result" in [s.value for s in _submit(app).subheader][-1]


def test_the_language_is_kept_in_the_url_across_a_reload(app):
    app.radio(key="ui_language_picker").set_value("en").run()
    assert app.query_params["lang"] in ("en", ["en"])
    reloaded = new_session(lang="en", w=app.query_params["w"])
    assert reloaded.title[0].value == "Japanese zero-shot classification"


def test_failed_model_says_why_and_offers_retry(app, use_service, tmp_path):
    from core.config import ModelSettings, Settings

    broken = ClassifierService(
        Settings(model=ModelSettings(model_id=str(tmp_path / "missing-model")))
    )
    broken.start_loading()
    with pytest.raises(ModelNotReady):
        broken.model(wait=30)
    use_service(broken)
    app.run()
    assert "missing-model" in as_shown(app.error[0].value)
    assert "MODEL_ID" in as_shown(app.error[0].value)
    assert app.button(key="model_retry").label == "再読み込み"
    # Classifying says "not ready" after a short retry instead of waiting minutes for it.
    _submit(app)
    assert any("準備ができていません" in e.value for e in app.error)


def test_labels_edited_on_labels_page_appear_on_classify(app):
    goto(app, "pages/labels.py")
    app.text_input(key="labels_new").input("音楽")
    app.button(key="labels_add").click().run()
    goto(app, "pages/classify.py")
    assert [c.label for c in app.checkbox] == ["旅行", "料理", "踊り", "音楽"]


SCRIPT = "<script>alert(1)</script>"
# (case id, text, custom labels field, template or None, the error's telltale or None for a result)
BAD_INPUT = [
    ("whitespace text", " \n\u3000", "", None, "テキストが空です"),
    ("100,000-char text", "あ" * 100_000, "", None, "100000"),
    ("500 labels", "京都", ",".join(f"L{i}" for i in range(500)), None, "50"),
    ("10,000-char label", "京都", "あ" * 10_000, None, "50"),
    ("template without {}", "京都", "", "この例です。", "{}"),
    ("template with two {}", "京都", "", "{}と{}", "{}"),
    ("template attribute access", "京都", "", "{0.__class__}", "{"),
]


@pytest.mark.parametrize(
    ("text", "custom", "template", "telltale"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_explained_and_the_session_keeps_its_work(
    app, text, custom, template, telltale
):
    app.text_input(key="classify_custom").input(custom)
    if template is not None:
        app.text_input(key="classify_template").input(template)
    _submit(app, text=text)
    assert telltale in as_shown(app.error[0].value)
    assert not app.table
    assert [c.label for c in app.checkbox] == ["旅行", "料理", "踊り"]
    app.text_input(key="classify_custom").input("")
    app.text_input(key="classify_template").input("この例は{}です。")
    assert set(_table(_submit(app))["ラベル"]) == {"旅行", "料理", "踊り"}


def test_no_labels_chosen_is_explained(app):
    for checkbox in list(app.checkbox):
        checkbox.uncheck()
    _submit(app)
    assert "ラベル" in app.error[0].value
    assert not app.table


def test_duplicate_custom_labels_are_dropped_and_said_so(app):
    app.text_input(key="classify_custom").input("旅行, 音楽, 音楽")
    table = _table(_submit(app))
    assert sorted(table["ラベル"]) == sorted(["旅行", "料理", "踊り", "音楽"])
    assert "旅行" in as_shown(app.info[0].value)


def test_html_in_text_and_labels_is_shown_as_text(app):
    app.text_input(key="classify_custom").input(f"{SCRIPT}, **太字**")
    table = _table(_submit(app, text=SCRIPT + "京都"))
    assert {SCRIPT, "**太字**"} <= set(table["ラベル"])
    assert not app.exception


def test_a_label_with_markdown_shows_as_typed_on_its_checkbox(app):
    goto(app, "pages/labels.py")
    app.text_input(key="labels_new").input("[罠](javascript:alert(1))")
    app.button(key="labels_add").click().run()
    goto(app, "pages/classify.py")
    assert as_shown(app.checkbox[-1].label) == "[罠](javascript:alert(1))"
    assert app.checkbox[-1].label.startswith("\\[")


def test_retry_after_a_fixed_model_directory_loads_without_a_restart(
    app, use_service, tmp_path, tiny_model_dir
):
    import shutil

    from core.config import ModelSettings, Settings

    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{ corrupt", encoding="utf-8")
    service = ClassifierService(
        Settings(model=ModelSettings(model_id=str(model_dir), num_threads=1))
    )
    use_service(service)
    service.start_loading()
    assert not service.wait_ready(30)
    app.run()
    assert app.button(key="model_retry")
    shutil.rmtree(model_dir)
    shutil.copytree(tiny_model_dir, model_dir)
    app.button(key="model_retry").click().run()
    assert service.wait_ready(30)
    app.run()
    assert set(_table(_submit(app))["ラベル"]) == {"旅行", "料理", "踊り"}


def test_the_result_is_headed_by_what_produced_it(app):
    _submit(app, "京都でお番菜を食べた")
    assert any("京都でお番菜を食べた" in as_shown(m.value) for m in app.markdown)
    assert any("この例は{}です。" in as_shown(c.value) for c in app.caption)


def test_wordings_and_calibration_from_an_experiment_shape_the_result(app, ready_service):
    app.text_area(key="classify_wordings").input("旅行=旅行|観光|旅")
    app.selectbox(key="classify_calibration").set_value("内容なし入力で補正 (Zhao+ 2021)")
    table = _table(_submit(app))
    plain = ready_service.classify("そうだ京都に行こう!", ["旅行", "観光", "旅", "料理", "踊り"])
    assert set(table["ラベル"]) == {"旅行", "料理", "踊り"}
    assert list(table["スコア"]) != pytest.approx(
        [plain.score_of(label) for label in table["ラベル"]]
    )
    assert sum(table["スコア"]) == pytest.approx(1.0)


def test_a_bad_wording_line_is_explained(app):
    app.text_area(key="classify_wordings").input("旅行=")
    _submit(app)
    assert "旅行=" in as_shown(app.error[0].value)


class _Interrupted(Exception):
    """Raised from inside the model call, so the test sees the page as it is while it runs."""


def _stopped_mid_classification(app, monkeypatch):
    from web import resources

    def interrupted(*args):
        raise _Interrupted

    monkeypatch.setattr(resources, "classify", interrupted)
    app.text_area(key="classify_text").input("そうだ京都に行こう!")
    app.button(key=SUBMIT).click()
    app.run()
    return app


def test_the_button_is_disabled_while_it_classifies(app, monkeypatch):
    from web import resources
    from web.ui import classify_form

    drawn, while_classifying = [], []
    draw, classify = classify_form._submit_button, resources.classify

    def drawing(slot, busy):
        drawn.append(busy)
        draw(slot, busy)

    def classifying(*args):
        while_classifying.append(drawn[-1])
        return classify(*args)

    monkeypatch.setattr(classify_form, "_submit_button", drawing)
    monkeypatch.setattr(resources, "classify", classifying)
    _submit(app)
    assert while_classifying == [True]
    # Back in the same run, with the result: one script run per click.
    assert drawn == [True, False]
    assert not app.button(key=SUBMIT).disabled
    assert app.table


def test_an_unexpected_error_does_not_leave_the_button_disabled(app, monkeypatch):
    _stopped_mid_classification(app, monkeypatch)
    monkeypatch.undo()
    app.run()
    assert not app.exception
    assert not app.button(key=SUBMIT).disabled


def _scroll_scripts(at):
    return [e for e in at.get("html") if "scrollIntoView" in e.proto.body]


def test_a_new_result_is_scrolled_into_view_once(app):
    _submit(app)
    assert not app.button(key=SUBMIT).disabled
    assert len(_scroll_scripts(app)) == 1
    assert '"classify-result"' in _scroll_scripts(app)[0].proto.body
    app.run()  # any later run (a widget change) leaves the scroll position alone
    assert not _scroll_scripts(app)


def test_a_closed_tab_has_its_waiting_work_dropped(app, ready_service):
    import threading

    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        SCRIPT_RUN_CONTEXT_ATTR_NAME,
    )

    from tests.conftest import held_model

    with held_model(ready_service) as held:
        app.text_area(key="classify_text").input("タブを閉じる人の文です。")
        app.button(key=SUBMIT).click()
        page = threading.Thread(target=app.run)
        page.start()
        assert held.queued.acquire(timeout=60)  # the page's pairs wait for the model
        # What Streamlit does when the tab's WebSocket closes: stop the session's script.
        scripts = [
            ctx.script_requests
            for thread in threading.enumerate()
            if thread is not threading.current_thread()
            and (ctx := getattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)) is not None
            and ctx.script_requests is not None
        ]
        assert scripts
        for script in scripts:
            script.request_stop()
        page.join(60)
        assert not page.is_alive()  # the run ended while the model was still held
    assert held.ran == [1]  # only the holding pass ran; the closed tab's three pairs never did
    assert ready_service._batcher._queued == 0
