from __future__ import annotations

from core.labels.defaults import DEFAULT_EXAMPLES, DEFAULT_LABELS
from tests.pages.conftest import as_shown, goto

TEMPLATES = ["この例は{}です。", "これは{}の話です。"]


def _run(app, templates, scope="examples", text=""):
    goto(app, "pages/compare.py")
    app.text_area(key="compare_templates").input("\n".join(templates))
    app.radio(key="compare_scope").set_value(scope)
    app.text_input(key="compare_text").input(text)
    app.button(key="compare_run").click().run()
    assert not app.exception
    return app


def test_two_templates_on_all_examples_give_a_row_per_text_and_template(app, ready_service):
    table = _run(app, TEMPLATES).dataframe[0].value
    assert len(table) == len(DEFAULT_EXAMPLES) * len(TEMPLATES)
    assert list(table["テンプレート"]) == TEMPLATES * len(DEFAULT_EXAMPLES)
    for _, row in table.iterrows():
        expected = ready_service.classify(row["テキスト"], DEFAULT_LABELS, row["テンプレート"])
        assert row["旅行"] == expected.score_of("旅行")


def test_the_verdict_names_how_many_texts_change_their_top_label(app, ready_service):
    _run(app, TEMPLATES)
    differing = [
        text
        for text in DEFAULT_EXAMPLES
        if len({ready_service.classify(text, DEFAULT_LABELS, t).top_label for t in TEMPLATES}) > 1
    ]
    if differing:
        assert (
            app.warning[0].value
            == f"テンプレートによって最上位ラベルが変わるテキスト: {len(differing)} 件"
        )
        assert not app.success
    else:
        assert app.success and not app.warning


def test_one_template_is_explained(app):
    _run(app, TEMPLATES[:1], scope="text", text="京都")
    assert as_shown(app.error[0].value) == (
        "テンプレートは 2〜4 個にしてください (空行と重複は数えません)。"
    )
    assert not app.dataframe


def test_a_bad_template_line_is_named_and_nothing_runs(app):
    _run(app, ["この例は{}です。", "括弧なし"], scope="text", text="京都")
    assert any("2 行目" in as_shown(e.value) for e in app.error)
    assert not app.dataframe


def test_results_stay_after_another_page(app):
    _run(app, TEMPLATES)
    goto(app, "pages/examples.py")
    goto(app, "pages/compare.py")
    assert len(app.dataframe[0].value) == len(DEFAULT_EXAMPLES) * len(TEMPLATES)


def test_use_this_template_makes_it_the_sessions(app):
    _run(app, TEMPLATES)
    app.button(key="compare_use_1").click().run()
    goto(app, "pages/classify.py")
    assert app.text_input(key="classify_template").value == TEMPLATES[1]


def test_the_text_box_is_off_when_comparing_all_examples(app):
    goto(app, "pages/compare.py").radio(key="compare_scope").set_value("examples").run()
    assert app.text_input(key="compare_text").disabled
