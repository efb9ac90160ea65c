"""Labels written with wordings (`旅行=旅行|観光|旅`) mean the same on the API as on every page."""

from __future__ import annotations

import pytest

from web.http.classify import CLASSIFY_PATH
from web.http.lite_page import LITE_CLASSIFY_PATH

TEXT = "そうだ京都に行こう!"
WRITTEN = ["旅行=旅行|観光|旅", "料理", "踊り|ダンス"]
NAMES = ["旅行", "料理", "踊り"]
SEPARATE = {"旅行": ["旅行", "観光", "旅"], "踊り": ["踊り", "ダンス"]}


def _scores(answer) -> dict[str, float]:
    return dict(zip(answer["labels"], answer["scores"], strict=True))


@pytest.mark.parametrize("path", [CLASSIFY_PATH, LITE_CLASSIFY_PATH])
def test_written_wordings_score_as_the_wordings_field(open_client, path):
    written = open_client.post(path, json={"text": TEXT, "labels": WRITTEN})
    assert written.status_code == 200
    separate = open_client.post(
        path, json={"text": TEXT, "labels": NAMES, "wordings": SEPARATE}
    ).json()
    assert sorted(written.json()["labels"]) == sorted(NAMES)
    assert _scores(written.json()) == pytest.approx(_scores(separate), abs=1e-6)


def test_a_list_of_texts_reads_the_wordings_too(open_client):
    answers = open_client.post(
        CLASSIFY_PATH, json={"text": [TEXT, "ダンスが好き"], "labels": WRITTEN}
    ).json()
    assert [sorted(a["labels"]) for a in answers] == [sorted(NAMES)] * 2


def test_a_label_that_cannot_be_read_is_a_clear_400(open_client):
    refused = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "labels": ["旅行=", "料理"]})
    assert refused.status_code == 400
    assert refused.json()["code"] == "experiment.bad_wording"
