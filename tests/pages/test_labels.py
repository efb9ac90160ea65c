from __future__ import annotations

import json
import uuid

import pytest

from core.exploration.thresholds import Thresholds
from core.labels.measurements import Measurement
from tests.pages.conftest import as_shown, goto, new_session
from web import resources

LABELS_PAGE = "pages/labels.py"


def _labels(at) -> list[str]:
    return [w.value for w in at.text_input if w.key.startswith("labels_rename_")]


def _add(at, label):
    at.text_input(key="labels_new").input(label)
    at.button(key="labels_add").click().run()
    return at


def test_default_set_is_the_seeds_labels(app):
    assert _labels(goto(app, LABELS_PAGE)) == ["旅行", "料理", "踊り"]


def test_add_a_label(app):
    assert _labels(_add(goto(app, LABELS_PAGE), "音楽")) == ["旅行", "料理", "踊り", "音楽"]


def test_adding_a_duplicate_is_explained(app):
    _add(goto(app, LABELS_PAGE), "旅行")
    assert "すでにあります" in app.error[0].value
    assert _labels(app) == ["旅行", "料理", "踊り"]


def test_rename_a_label(app):
    goto(app, LABELS_PAGE)
    app.text_input(key="labels_rename_標準_1_料理").input("グルメ").run()
    assert _labels(app) == ["旅行", "グルメ", "踊り"]


def test_remove_a_label(app):
    goto(app, LABELS_PAGE).button(key="labels_remove_0").click().run()
    assert _labels(app) == ["料理", "踊り"]


def test_reorder_labels(app):
    goto(app, LABELS_PAGE).button(key="labels_down_0").click().run()
    assert _labels(app) == ["料理", "旅行", "踊り"]
    app.button(key="labels_up_2").click().run()
    assert _labels(app) == ["料理", "踊り", "旅行"]


def test_create_and_switch_between_named_sets(app):
    goto(app, LABELS_PAGE)
    app.text_input(key="labels_new_set").input("スポーツ")
    app.button(key="labels_create_set").click().run()
    _add(app, "野球")
    assert _labels(app) == ["野球"]
    app.selectbox(key="labels_set_picker").select("標準").run()
    assert _labels(app) == ["旅行", "料理", "踊り"]


def test_delete_the_current_set(app):
    goto(app, LABELS_PAGE)
    app.text_input(key="labels_new_set").input("一時").run()
    app.button(key="labels_create_set").click().run()
    app.button(key="labels_delete_set").click().run()
    assert app.selectbox(key="labels_set_picker").options == ["標準"]


def test_import_a_set_from_json(app):
    goto(app, LABELS_PAGE)
    data = json.dumps({"name": "天気", "labels": ["晴れ", "雨"]}, ensure_ascii=False).encode()
    app.file_uploader(key="labels_import").set_value(("tenki.json", data, "application/json"))
    app.run()
    assert app.selectbox(key="labels_set_picker").value == "天気"
    assert _labels(app) == ["晴れ", "雨"]


def test_malformed_json_import_is_explained_and_keeps_the_sets(app):
    goto(app, LABELS_PAGE)
    app.file_uploader(key="labels_import").set_value(("bad.json", b"{oops", "application/json"))
    app.run()
    assert "JSON" in app.error[0].value
    assert _labels(app) == ["旅行", "料理", "踊り"]


def test_export_button_offers_the_current_set(app):
    assert goto(app, LABELS_PAGE).get("download_button")[0].label == "JSON でエクスポート"


def test_a_binary_file_given_as_json_is_explained_and_keeps_the_sets(app):
    goto(app, LABELS_PAGE)
    app.file_uploader(key="labels_import").set_value(
        ("x.json", bytes(range(256)), "application/json")
    )
    app.run()
    assert app.error
    assert not app.exception
    assert _labels(app) == ["旅行", "料理", "踊り"]


def test_json_of_the_wrong_shape_is_explained(app):
    goto(app, LABELS_PAGE)
    data = json.dumps({"name": "x", "labels": "not a list"}).encode()
    app.file_uploader(key="labels_import").set_value(("x.json", data, "application/json"))
    app.run()
    assert app.error
    assert _labels(app) == ["旅行", "料理", "踊り"]


def test_a_saved_set_is_loaded_in_another_session(app, ready_service):
    goto(app, LABELS_PAGE)
    app.text_input(key="labels_new").input("温泉")
    app.button(key="labels_add").click().run()
    app.text_input(key="store_name").input("温泉旅行")
    app.text_area(key="store_notes").input("箱根向け")
    app.button(key="store_save").click().run()
    assert "温泉旅行" in app.success[0].value

    other = goto(new_session(), LABELS_PAGE)
    other.selectbox(key="store_pick").set_value("温泉旅行")
    other.button(key="store_load").click().run()
    assert other.selectbox(key="labels_set_picker").value == "温泉旅行"
    assert _labels(other) == ["旅行", "料理", "踊り", "温泉"]


def test_saving_under_a_taken_name_is_explained_and_keeps_the_stored_set(app):
    goto(app, LABELS_PAGE)
    app.text_input(key="store_name").input("重複")
    app.button(key="store_save").click().run()
    app.text_input(key="labels_new").input("追加")
    app.button(key="labels_add").click().run()
    other = goto(new_session(), LABELS_PAGE)  # never loaded "重複", so it would create it
    other.text_input(key="store_name").input("重複")
    other.button(key="store_save").click().run()
    assert "すでに保存" in other.error[0].value


def _save_current_set_as(app, name: str) -> None:
    goto(app, LABELS_PAGE)
    app.text_input(key="store_name").input(name)
    app.button(key="store_save").click().run()
    assert not app.exception


def test_deleting_a_saved_set_asks_first_and_can_be_called_off(app):
    _save_current_set_as(app, "消す前に確認")
    app.selectbox(key="store_pick").set_value("消す前に確認").run()
    app.button(key="store_delete").click().run()
    assert "消す前に確認" in app.warning[0].value
    app.button(key="store_delete_no").click().run()
    assert "消す前に確認" in app.selectbox(key="store_pick").options
    app.button(key="store_delete").click().run()
    app.button(key="store_delete_yes").click().run()
    assert "消す前に確認" not in (app.selectbox(key="store_pick").options if app.selectbox else [])


def test_a_set_changed_elsewhere_after_the_delete_was_asked_is_kept(app):
    _save_current_set_as(app, "競合")
    app.selectbox(key="store_pick").set_value("競合").run()
    app.button(key="store_delete").click().run()  # asked at version 1 ...
    other = goto(new_session(), LABELS_PAGE)
    other.selectbox(key="store_pick").set_value("競合")
    other.button(key="store_load").click().run()
    other.text_area(key="store_notes").input("更新しました")
    other.button(key="store_save").click().run()  # ... someone saves version 2 meanwhile
    app.button(key="store_delete_yes").click().run()
    assert "先に更新" in app.error[0].value
    assert "競合" in app.selectbox(key="store_pick").options


def test_an_unreachable_store_says_saving_is_unavailable_and_classify_still_works(
    app, ready_service
):

    from bench.live_server import free_port
    from core.config import StoreSettings
    from web import resources

    down = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    settings = ready_service.settings.model_copy(
        update=dict(store=StoreSettings(database_url=down))
    )
    with resources.using(settings, ready_service):
        goto(app, LABELS_PAGE)
        assert "使えません" in app.error[0].value
        assert not app.exception
        goto(app, "pages/classify.py")
        app.text_area(key="classify_text").input("京都に行こう")
        app.button(key="classify_submit").click().run()
        assert app.table


def test_commas_add_several_labels_as_on_classify(app):
    goto(app, LABELS_PAGE).text_input(key="labels_new").input("政治, 経済、天気")
    app.button(key="labels_add").click().run()
    goto(app, "pages/classify.py")
    assert [c.label for c in app.checkbox] == ["旅行", "料理", "踊り", "政治", "経済", "天気"]


def test_a_deleted_set_can_be_undone(app):
    goto(app, LABELS_PAGE).text_input(key="labels_new_set").input("試し")
    app.button(key="labels_create_set").click().run()
    app.button(key="labels_delete_set").click().run()
    assert "試し" not in app.selectbox(key="labels_set_picker").options
    app.button(key="labels_undo_delete").click().run()
    assert "試し" in app.selectbox(key="labels_set_picker").options


def test_enter_in_the_box_adds_the_label(app):
    goto(app, LABELS_PAGE).text_input(key="labels_new").input("音楽").run()
    assert _labels(app) == ["旅行", "料理", "踊り", "音楽"]
    assert not app.error
    assert app.text_input(key="labels_new").value == ""


def test_typing_then_clicking_add_adds_once_without_a_complaint(app):
    goto(app, LABELS_PAGE).text_input(key="labels_new").input("音楽")
    app.button(key="labels_add").click().run()
    assert _labels(app) == ["旅行", "料理", "踊り", "音楽"]
    assert not app.error


def test_a_refused_rename_shows_the_label_as_it_is(app):
    goto(app, LABELS_PAGE)
    app.text_input(key="labels_rename_標準_1_料理").input("旅行").run()  # a duplicate
    assert "すでにあります" in app.error[0].value
    assert app.text_input(key="labels_rename_標準_1_料理").value == "料理"
    assert _labels(app) == ["旅行", "料理", "踊り"]


def test_the_save_as_name_follows_the_current_set(app):
    goto(app, LABELS_PAGE)
    assert app.text_input(key="store_name").value == "標準"
    app.text_input(key="labels_new_set").input("ニュース")
    app.button(key="labels_create_set").click().run()
    assert app.text_input(key="store_name").value == "ニュース"


def test_a_width_variant_of_a_label_is_the_same_label(app):
    _add(goto(app, LABELS_PAGE), "ﾘｮｺｳ")
    _add(app, "リョコウ")
    assert "すでにあります" in app.error[0].value
    assert _labels(app) == ["旅行", "料理", "踊り", "ﾘｮｺｳ"]


def test_a_set_name_with_a_slash_is_refused_with_the_reason(app):
    goto(app, LABELS_PAGE)
    app.text_input(key="store_name").input("チーム/旅行")
    app.button(key="store_save").click().run()
    assert "「/」は使えません" in app.error[0].value
    from web.resources import get_store

    assert get_store().get("チーム/旅行") is None


def test_a_set_name_typed_in_half_width_is_saved_in_its_normal_form(app):
    import uuid

    suffix = uuid.uuid4().hex[:6]
    goto(app, LABELS_PAGE)
    app.text_input(key="store_name").input(f" ﾃﾆｽ  部{suffix} ")
    app.button(key="store_save").click().run()
    assert f"「テニス 部{suffix}」" in app.success[0].value


def _measured(tuned: bool) -> Measurement:
    report = {"zero_shot": {"macro_f1": 0.25}, "tuned": {"macro_f1": 0.75}}
    return Measurement(
        9,
        "h" * 64,
        False,
        {"accuracy": 0.5, "macro_f1": 0.5, "per_label": []},
        Thresholds(False, min_top_score=0.4),
        tuning=report if tuned else None,
        adapter_digest="d" * 64 if tuned else None,
    )


@pytest.mark.parametrize(
    ("measured", "shown"),
    [
        (None, "v1: 測定なし (ゼロショット、しきい値なし)"),
        (
            _measured(False),
            "v1: 9 件の例で測定、しきい値あり、macro-F1 0.500 · モデル: ゼロショット",
        ),
        (
            _measured(True),
            "モデル: 学習済み (検証用の例で macro-F1 ゼロショット 0.250 → 学習済み 0.750)",
        ),
    ],
)
def test_a_saved_set_shows_what_was_measured_about_its_version(app, measured, shown):
    name = f"測定-{uuid.uuid4().hex[:8]}"
    _save_current_set_as(app, name)
    if measured is not None:
        resources.get_measurements().put(name, 1, measured)
    app.selectbox(key="store_pick").set_value(name).run()
    assert any(shown in as_shown(c.value) for c in app.caption), [c.value for c in app.caption]
