from __future__ import annotations

from tests.pages.conftest import goto


def test_two_templates_on_all_examples_give_a_row_per_text_and_template(app):
    goto(app, "pages/compare.py")
    app.text_area(key="compare_templates").input("この例は{}です。\nこれは{}の話です。")
    app.radio(key="compare_scope").set_value("examples")
    app.button(key="compare_run").click().run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 4 * 2
    assert app.success or app.warning


def test_one_template_is_explained(app):
    goto(app, "pages/compare.py")
    app.text_area(key="compare_templates").input("この例は{}です。")
    app.text_input(key="compare_text").input("京都")
    app.button(key="compare_run").click().run()
    assert "2" in app.error[0].value
