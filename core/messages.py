"""Every user-facing string, Japanese first, English second.

Pages, the HTTP API and core errors all read from here, so a wording change is made once.
"""

from __future__ import annotations

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

MESSAGES: dict[str, tuple[str, str]] = {
    # App and navigation
    "app.title": ("日本語ゼロショット分類", "Japanese zero-shot classification"),
    "app.language": ("表示言語", "Language"),
    "nav.classify": ("分類", "Classify"),
    "nav.labels": ("ラベル", "Labels"),
    "nav.examples": ("例文", "Examples"),
    # Model state
    "model.loading": (
        "モデルを読み込んでいます…しばらくお待ちください。",
        "Loading the model… please wait.",
    ),
    "model.error": (
        "モデルを読み込めませんでした: {error}",
        "The model could not be loaded: {error}",
    ),
    "model.retry": ("再読み込み", "Retry loading"),
    "model.not_ready": (
        "モデルの準備ができていません。少し待ってから再度お試しください。",
        "The model is not ready yet. Please try again in a moment.",
    ),
    "model.no_entailment": (
        "モデル {model} のラベル {labels} に entailment がありません。NLI モデルを指定してください。",
        "Model {model} has no entailment label among {labels}; point MODEL_ID at an NLI model.",
    ),
    # Classify page
    "classify.header": ("テキストを分類", "Classify a text"),
    "classify.text": ("テキスト", "Text"),
    "classify.text_placeholder": ("例: そうだ京都に行こう!", "e.g. そうだ京都に行こう!"),
    "classify.labels": ("ラベル", "Labels"),
    "classify.custom_label": ("カスタムラベル", "Custom label"),
    "classify.custom_label_help": (
        "候補に加えるラベル。カンマ区切りで複数指定できます。",
        "A label to add to the candidates; separate several with commas.",
    ),
    "classify.multi_label": (
        "複数ラベル (各ラベルを独立に判定)",
        "Multi-label (judge each label alone)",
    ),
    "classify.template": ("仮説テンプレート", "Hypothesis template"),
    "classify.template_help": (
        "{} がラベルに置き換わります。{} はちょうど1つ必要です。",
        "{} is replaced by each label; exactly one {} is required.",
    ),
    "classify.submit": ("分類する", "Classify"),
    "classify.results": ("結果", "Results"),
    "classify.truncated": (
        "テキストが長すぎるため、モデルが読める長さ ({max_tokens} トークン) に切り詰めました。",
        "The text was too long and was cut to what the model reads ({max_tokens} tokens).",
    ),
    "classify.dropped": (
        "重複したラベルを除きました: {labels}",
        "Duplicate labels were dropped: {labels}",
    ),
    "classify.elapsed": ("{ms:.0f} ミリ秒 ・ モデル {model}", "{ms:.0f} ms · model {model}"),
    "result.label": ("ラベル", "Label"),
    "result.score": ("スコア", "Score"),
    "result.rank": ("順位", "Rank"),
    # Labels page
    "labels.header": ("ラベルセット", "Label sets"),
    "labels.current_set": ("使用中のセット", "Set in use"),
    "labels.new_set": ("新しいセットの名前", "Name of a new set"),
    "labels.create_set": ("セットを作成", "Create set"),
    "labels.delete_set": ("このセットを削除", "Delete this set"),
    "labels.add": ("ラベルを追加", "Add a label"),
    "labels.add_button": ("追加", "Add"),
    "labels.rename": ("名前を変更", "Rename"),
    "labels.up": ("上へ", "Move up"),
    "labels.down": ("下へ", "Move down"),
    "labels.remove": ("削除", "Remove"),
    "labels.empty": ("このセットにはラベルがありません。", "This set has no labels."),
    "labels.export": ("JSON でエクスポート", "Export as JSON"),
    "labels.import": ("JSON からインポート", "Import from JSON"),
    "labels.imported": ("セット「{name}」を読み込みました。", "Imported the set “{name}”."),
    "labels.default_set": ("標準", "Default"),
    # Examples page
    "examples.header": ("例文", "Examples"),
    "examples.add": ("例文を追加", "Add an example"),
    "examples.add_button": ("追加", "Add"),
    "examples.remove": ("削除", "Remove"),
    "examples.send": ("分類ページへ", "Send to Classify"),
    "examples.run_all": ("すべて分類", "Run all"),
    "examples.progress": ("{done}/{total} 件を分類しました", "Classified {done} of {total}"),
    "examples.matrix": (
        "スコア表 (★ が各行の最上位)",
        "Score matrix (★ marks each row's top label)",
    ),
    "examples.example": ("例文", "Example"),
    "examples.top": ("最上位", "Top label"),
    "examples.empty": ("例文がありません。", "There are no examples."),
    # Input errors (core.errors.InputError keys)
    "error.empty_text": (
        "テキストが空です。分類したい文を入力してください。",
        "The text is empty. Type a sentence to classify.",
    ),
    "error.text_too_long": (
        "テキストが長すぎます ({length} 文字)。{limit} 文字以内にしてください。",
        "The text is too long ({length} characters). Keep it within {limit}.",
    ),
    "error.no_labels": (
        "ラベルがありません。少なくとも1つ選ぶか入力してください。",
        "There are no labels. Pick or type at least one.",
    ),
    "error.too_many_labels": (
        "ラベルが多すぎます ({count} 個)。{limit} 個以内にしてください。",
        "Too many labels ({count}). Use at most {limit}.",
    ),
    "error.label_too_long": (
        "ラベル「{label}…」が長すぎます ({length} 文字)。{limit} 文字以内にしてください。",
        "The label “{label}…” is too long ({length} characters). Keep it within {limit}.",
    ),
    "error.label_not_text": (
        "ラベルは文字列で指定してください。",
        "Each label must be a string.",
    ),
    "error.template_placeholder": (
        "仮説テンプレートには {{}} がちょうど1つ必要です (今は {count} 個)。例: この例は{{}}です。",
        "The hypothesis template needs exactly one {{}} (it has {count}). E.g. この例は{{}}です。",
    ),
    "error.template_braces": (
        "仮説テンプレートで使える波括弧は {{}} だけです。",
        "The only braces a hypothesis template may hold are {{}}.",
    ),
    "error.template_too_long": (
        "仮説テンプレートが長すぎます ({length} 文字)。{limit} 文字以内にしてください。",
        "The hypothesis template is too long ({length} characters). Keep it within {limit}.",
    ),
    "error.hypothesis_too_long": (
        "ラベルとテンプレートを合わせた仮説文がモデルの上限 ({limit} トークン) を超えます。短くしてください。",
        "A label with its template exceeds the model's limit ({limit} tokens). Shorten it.",
    ),
    "error.label_exists": (
        "ラベル「{label}」はすでにあります。",
        "The label “{label}” already exists.",
    ),
    "error.empty_label": ("ラベルが空です。", "The label is empty."),
    "error.set_exists": (
        "セット「{name}」はすでにあります。",
        "A set named “{name}” already exists.",
    ),
    "error.empty_set_name": ("セットの名前を入力してください。", "Type a name for the set."),
    "error.last_set": ("最後のセットは削除できません。", "The last set cannot be deleted."),
    "error.bad_json": (
        "JSON として読めません: {detail}",
        "This is not valid JSON: {detail}",
    ),
    "error.bad_label_set": (
        'ラベルセットの形式が違います。{{"name": "...", "labels": ["...", ...]}} の形にしてください。',
        'This is not a label set. Use the form {{"name": "...", "labels": ["...", ...]}}.',
    ),
    "error.empty_example": ("例文が空です。", "The example is empty."),
    "error.bad_request": (
        "リクエストの形式が違います: {detail}",
        "The request is malformed: {detail}",
    ),
}


def message(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `lang`, with `params` filled in.

    The templates here are ours; user values are only ever arguments, never templates.
    """
    ja, en = MESSAGES[key]
    text = en if lang == "en" else ja
    return text.format(**params) if params else text.replace("{{", "{").replace("}}", "}")


# The plain-HTTP page (/lite) uses these keys too; they are merged here to keep one table.
MESSAGES.update(
    {
        "lite.title": (
            "日本語ゼロショット分類 (ライト版)",
            "Japanese zero-shot classification (lite)",
        ),
        "lite.intro": (
            "WebSocket を使わない軽量ページです。テキストとラベルを選んで「分類する」を押してください。",
            "A light page without WebSockets. Type a text, pick labels and press Classify.",
        ),
        "lite.examples": ("例文 (クリックで入力)", "Examples (click to use)"),
        "lite.working": ("分類しています…", "Classifying…"),
        "lite.network_error": (
            "サーバーに接続できませんでした。しばらくしてから再度お試しください。",
            "Could not reach the server. Please try again shortly.",
        ),
        "lite.full_app": ("フル機能版を開く", "Open the full app"),
        "lite.switch_language": ("English", "日本語"),
    }
)

MESSAGES.update(
    {
        "login.title": ("ログイン", "Log in"),
        "login.password": ("パスワード", "Password"),
        "login.submit": ("ログイン", "Log in"),
        "login.wrong": (
            "パスワードが違います。あと {left} 回まで試せます。",
            "Wrong password. {left} more tries before a wait.",
        ),
        "login.locked": (
            "失敗が続いたため、{seconds} 秒後に再度お試しください。",
            "Too many failed tries. Try again in {seconds} seconds.",
        ),
        "login.logout": ("ログアウト", "Log out"),
        "login.signed_in_as": ("{who} としてログイン中", "Signed in as {who}"),
        "login.oidc": ("シングルサインオンでログイン", "Log in with single sign-on"),
        "login.not_allowed": (
            "{email} はこのアプリを使えません。管理者に連絡してください。",
            "{email} may not use this app. Ask its administrator.",
        ),
        "login.required_http": (
            "認証が必要です。API は Authorization: Bearer <API_TOKEN> を付けてください。",
            "Authentication required. Send Authorization: Bearer <API_TOKEN> to the API.",
        ),
        "login.locked_http": (
            "認証の失敗が続いています。しばらく待ってから再度お試しください。",
            "Too many failed authentications. Wait a while and try again.",
        ),
        "error.internal": (
            "内部エラーが発生しました (リクエスト ID {request_id})。",
            "An internal error occurred (request id {request_id}).",
        ),
        "error.body_too_large": (
            "リクエストが大きすぎます ({limit} バイトまで)。",
            "The request is too large (at most {limit} bytes).",
        ),
    }
)
