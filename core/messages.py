"""The text of core's own errors, Japanese first, English second.

Only what core raises lives here (InputError keys and the model's load errors); page and HTTP
copy lives in the web layer's table (web/text.py).
"""

from __future__ import annotations

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

MESSAGES: dict[str, tuple[str, str]] = {
    "model.no_entailment": (
        "モデル {model} のラベル {labels} に entailment がありません。NLI モデルを指定してください。",
        "Model {model} has no entailment label among {labels}; point MODEL_ID at an NLI model.",
    ),
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
    "error.hypothesis_too_long": (
        "ラベルとテンプレートを合わせた仮説文がモデルの上限 ({limit} トークン) を超えます。短くしてください。",
        "A label with its template exceeds the model's limit ({limit} tokens). Shorten it.",
    ),
    "error.too_much_work": (
        "計算量が多すぎます (テキストとラベルの組 {pairs} 個、{tokens} トークン、上限 {limit} トークン)。ラベルを減らすか、テキストを短くするか、分けて実行してください。",
        "Too much work ({pairs} text-label pairs, {tokens} tokens; the limit is {limit}). Use fewer labels, a shorter text, or split the work.",
    ),
    "error.label_exists": (
        "ラベル「{label}」はすでにあります。",
        "The label “{label}” already exists.",
    ),
    "error.empty_label": ("ラベルが空です。", "The label is empty."),
    "error.bad_json": (
        "JSON として読めません: {detail}",
        "This is not valid JSON: {detail}",
    ),
    "error.bad_label_set": (
        'ラベルセットの形式が違います。{{"name": "...", "labels": ["...", ...]}} の形にしてください。',
        'This is not a label set. Use the form {{"name": "...", "labels": ["...", ...]}}.',
    ),
    "error.bad_request": (
        "リクエストの形式が違います: {detail}",
        "The request is malformed: {detail}",
    ),
    "store.name_empty": ("名前を入力してください。", "Enter a name."),
    "store.name_dots": (
        "名前を「.」や「..」だけにはできません (URL からその名前に届かないため)。",
        "A name cannot be just “.” or “..” (URLs could not reach it).",
    ),
    "store.name_invisible": (
        "名前に見えない文字 (ゼロ幅スペースなど) や壊れた文字 (U+FFFD) は使えません。",
        "A name cannot hold invisible characters (a zero-width space…) or U+FFFD.",
    ),
    "store.name_slash": (
        "名前に「/」は使えません (API の URL からその名前に届かないため)。",
        "A name cannot hold “/” (the API's URLs could not reach it).",
    ),
    "store.name_not_normal": (
        "名前「{name}」は「{normal}」と書いてください。全角・半角の違いや前後・連続の空白は区別されません。",
        "Write the name “{name}” as “{normal}”: width variants and leading, trailing or repeated spaces are not told apart.",
    ),
    "error.explain_label": (
        "説明するラベル「{label}」は候補にありません。候補のラベルから選んでください。",
        "The label to explain, “{label}”, is not among the candidates. Pick one of them.",
    ),
    "error.text_item": ("text[{index}]: {detail}", "text[{index}]: {detail}"),
    "error.too_many_texts": (
        "テキストが多すぎます ({count} 件、{limit} 件まで)。分けて送ってください。",
        "Too many texts ({count}; at most {limit}). Send them in parts.",
    ),
    "error.bad_unicode": (
        "文字コードが壊れた文字 (対になっていないサロゲート {char}) が含まれています。"
        "UTF-8 の正しい文字だけを送ってください。",
        "The input holds a broken character (an unpaired surrogate, {char}). "
        "Send valid UTF-8 text only.",
    ),
    "error.control_chars": (
        "{field} に制御文字 (改行以外の見えない文字) が含まれています。取り除いてください。",
        "{field} holds a control character (an invisible character other than a line break). Remove it.",
    ),
    "store.name_too_long": (
        "名前は {limit} 文字までです。",
        "Names are at most {limit} characters.",
    ),
    "store.notes_too_long": (
        "メモは {limit} 文字までです。",
        "Notes are at most {limit} characters.",
    ),
    "store.name_taken": (
        "「{name}」はすでに保存されています。別の名前にするか、読み込んでから更新してください。",
        "“{name}” is already saved. Pick another name, or load it and then update it.",
    ),
    "workspace.changed_elsewhere": (
        "このワークスペースは別の画面で更新されました。最新の内容を読み込みました。",
        "This workspace was changed in another window; its latest content has been loaded.",
    ),
    "experiment.bad_wording": (
        "ラベル「{entry}」を読めません。「旅行=旅行|観光|旅」のように書いてください。",
        "Cannot read the label “{entry}”. Write it like 旅行=旅行|観光|旅.",
    ),
    "experiment.bad_calibration": (
        "補正は {choices} のどれかにしてください。",
        "Calibration must be one of: {choices}.",
    ),
    "experiment.batch_needs_texts": (
        "batch 補正には2件以上のテキストが必要です (テキストの平均で割るため)。",
        "Batch calibration needs two texts or more (it divides by their mean).",
    ),
    "experiment.no_label_sets": (
        "ラベルセットを1つ以上選んでください。",
        "Pick at least one label set.",
    ),
    "experiment.no_templates": (
        "テンプレートを1つ以上書いてください。",
        "Write at least one template.",
    ),
    "experiment.no_variants": (
        "モードと補正をそれぞれ1つ以上選んでください。",
        "Pick at least one mode and one calibration.",
    ),
    "experiment.too_big": (
        "組み合わせが多すぎます ({variants} 通り、最大 {pairs} ペア。上限 {limit})。"
        "ラベルセットかテンプレートか評価データを減らしてください。",
        "Too many combinations ({variants} variants, up to {pairs} pairs; the limit is {limit}). "
        "Use fewer label sets, templates or evaluation rows.",
    ),
    "workspace.not_json": (
        "ワークスペースのファイルを JSON として読めません。書き出したファイルをそのまま選んでください。",
        "The workspace file is not readable JSON. Choose the file exactly as it was exported.",
    ),
    "workspace.too_many_examples": (
        "例文が多すぎます ({count} 件、{limit} 件まで)。多くのテキストは「ファイル一括」で分類してください。",
        "Too many examples ({count}; at most {limit}). Classify many texts with Batch files.",
    ),
    "workspace.too_many_label_sets": (
        "ラベルセットが多すぎます ({count} 個、{limit} 個まで)。使わないセットを削除してください。",
        "Too many label sets ({count}; at most {limit}). Delete the sets you no longer use.",
    ),
    "workspace.set_too_large": (
        "ラベルセット「{name}」のラベルが多すぎます ({count} 個、{limit} 個まで)。",
        "The label set “{name}” has too many labels ({count}; at most {limit}).",
    ),
    "workspace.bad_unicode": (
        "ワークスペースのファイルに壊れた文字 (UTF-8 でない文字や対になっていないサロゲート) があります。"
        "書き出したファイルをそのまま選んでください。",
        "The workspace file holds malformed characters (not UTF-8, or a lone surrogate). "
        "Choose the file exactly as it was exported.",
    ),
    "workspace.wrong_format": (
        "このファイルはこのアプリのワークスペースではありません。",
        "This file is not a workspace exported from this app.",
    ),
    "workspace.wrong_version": (
        "ワークスペースの形式 {found} には対応していません (対応: {supported})。",
        "Workspace format {found} is not supported (supported: {supported}).",
    ),
    "workspace.bad_field": (
        "ワークスペースの「{field}」の形が正しくありません。",
        "The workspace's “{field}” does not have the expected shape.",
    ),
    "workspace.too_large": (
        "ワークスペースが大きすぎます ({limit} MB まで)。例文や評価データを減らしてください。",
        "The workspace is too large (at most {limit} MB). Remove some examples or evaluation rows.",
    ),
    "store.changed_elsewhere": (
        "「{name}」は他の人が先に更新しました。読み込み直してから保存してください (上書きはしません)。",
        "Someone else updated “{name}” first. Load it again, then save (nothing was overwritten).",
    ),
    "store.unreachable": (
        "保存先のデータベースに接続できません ({detail})。DATABASE_URL (または DATABASE_SECRET) を"
        "確認してください。",
        "Cannot reach the database for saved work ({detail}). Check DATABASE_URL (or DATABASE_SECRET).",
    ),
    "share.malformed": (
        "共有リンクが壊れているか、このアプリのものではありません。リンクをもう一度コピーしてください。",
        "The share link is damaged or not from this app. Copy the link again.",
    ),
    "share.too_long": (
        "共有リンクが長すぎます (最大 {limit} 文字)。テキストを短くするかラベルを減らしてください。",
        "The share link would be too long (at most {limit} characters). Shorten the text or use fewer labels.",
    ),
    "compare.template_count": (
        "テンプレートは {low}〜{high} 個にしてください (空行と重複は数えません)。",
        "Give {low} to {high} templates (blank lines and duplicates do not count).",
    ),
    "batch.too_big": (
        "ファイルが大きすぎます ({limit} MB まで)。",
        "The file is too large (at most {limit} MB).",
    ),
    "batch.bad_type": (
        "{suffix} ファイルは読めません。CSV (.csv) か Excel (.xlsx) を選んでください。",
        "Cannot read {suffix} files. Choose a CSV (.csv) or Excel (.xlsx) file.",
    ),
    "batch.not_text": (
        "CSV として読めません (バイナリか、UTF-8 / Shift_JIS / UTF-16 (BOM 付き) 以外の文字コードです)。",
        "Cannot read this as CSV (it is binary, or neither UTF-8, Shift_JIS nor UTF-16 with a BOM).",
    ),
    "batch.bad_unicode": (
        "{encoding} のファイルが {position} バイト目で壊れています。{encoding} で保存し直してください。",
        "The {encoding} file is broken at byte {position}. Save it again as {encoding}.",
    ),
    "batch.bad_cell_unicode": (
        "{row} 行目 {column} 列目に壊れた文字 (対のないサロゲート) があります。直してから読み込んでください。",
        "Row {row}, column {column} holds a broken character (a lone surrogate). Fix it and load the file again.",
    ),
    "batch.bad_csv": (
        "CSV の形式が正しくありません: {detail}",
        "The CSV is malformed: {detail}",
    ),
    "batch.bad_excel": (
        "Excel ファイルとして読めません ({detail})。.xlsx で保存し直してください。",
        "Cannot read this as an Excel file ({detail}). Save it again as .xlsx.",
    ),
    "batch.empty": ("ファイルに行がありません。", "The file has no rows."),
    "batch.excel_too_big": (
        "Excel ファイルの中身が大きすぎます (展開後 {limit} MB まで)。",
        "The Excel file holds too much (at most {limit} MB unpacked).",
    ),
    "batch.excel_declared_too_big": (
        "シートが大きすぎます ({rows} 行、{columns} 列まで)。必要な範囲だけを保存してください。",
        "The sheet is too large (at most {rows} rows and {columns} columns). Save only the range you need.",
    ),
    "batch.too_many_rows": (
        "行が多すぎます ({rows} 行、{limit} 行まで)。ファイルを分けてください。",
        "Too many rows ({rows}; at most {limit}). Split the file.",
    ),
    "batch.model_not_ready": (
        "モデルの準備ができていないため止まりました。準備ができたら「続きから実行」を押してください。",
        "Stopped: the model is not ready. Press “Go on” once it is.",
    ),
    "batch.model_busy": (
        "モデルが混み合っているため止まりました。少し待って「続きから実行」を押してください。",
        "Stopped: the model is busy. Wait a moment and press “Go on”.",
    ),
    "batch.job_failed": (
        "内部エラーで止まりました ({detail})。「続きから実行」でやり直せます。",
        "Stopped by an internal error ({detail}). “Go on” tries again.",
    ),
    "batch.no_column": ("列「{column}」がありません。", "There is no column “{column}”."),
    "batch.no_text_columns": (
        "テキストの入った列がありません。1 行目に列名、2 行目から文を入れてください。",
        "No column holds text. Put column names in the first row and sentences below.",
    ),
    "batch.no_text_in_column": (
        "列「{column}」に文がありません。",
        "Column “{column}” holds no text.",
    ),
    "eval.too_many_examples": (
        "例が多すぎます ({count} 件、{limit} 件まで)。分けて評価してください。",
        "Too many examples ({count}; at most {limit}). Evaluate them in parts.",
    ),
    "eval.no_examples": (
        "正解付きの例がありません。テキストと正解ラベルを入力してください。",
        "There are no examples with answers. Enter texts and expected labels.",
    ),
    "eval.unknown_label": (
        "正解ラベル {labels} が現在のラベルセットにありません。ラベルページで追加してください。",
        "Expected labels {labels} are not in the current label set. Add them on the Labels page.",
    ),
    "error.label_too_long": (
        "ラベル「{label}…」が長すぎます ({length} 文字)。{limit} 文字以内にしてください。",
        "The label “{label}…” is too long ({length} characters). Keep it within {limit}.",
    ),
    "tuning.bad_setting": (
        "学習の設定 {name} は {low} から {high} の範囲にしてください。",
        "The training setting {name} must be between {low} and {high}.",
    ),
    "tuning.too_few_rows": (
        "ラベル {labels} の正解付きの例が足りません。ラベルごとに {count} 件以上入力してください。",
        "Too few examples for {labels}: give at least {count} per label.",
    ),
    "tuning.needs_full_precision": (
        "学習済みのラベルセットは fp32 のモデルでのみ使えます (QUANTIZE=int8 では使えません)。",
        "Tuned label sets run on the fp32 model only (not with QUANTIZE=int8).",
    ),
    "tuning.other_model": (
        "このアダプターは別のモデル ({model}) で学習されました。今のモデルは {current} です。",
        "This adapter was trained on another model ({model}); the current one is {current}.",
    ),
    "tuning.adapter_missing": (
        "ラベルセット「{name}」のアダプターが見つかりません。もう一度学習してください。",
        "The adapter of label set “{name}” is missing. Tune it again.",
    ),
    "tuning.bad_adapter": (
        "アダプターのファイルが壊れています。",
        "The adapter file is damaged.",
    ),
    "tuning.not_better": (
        "学習したモデルは検証用の例でゼロショットを上回らなかったため、使えません。",
        "The tuned model did not beat zero-shot on the held-out examples: it is not offered.",
    ),
    "tuning.running": (
        "このサーバーでは別の学習ジョブが実行中です (学習は一度に一つ)。終わるまでお待ちください。",
        "Another tuning job is training on this server (one at a time). Wait for it to finish.",
    ),
    "tuning.job_failed": (
        "学習が失敗しました ({detail})。",
        "Tuning failed ({detail}).",
    ),
    "error.template_too_long": (
        "仮説テンプレートが長すぎます ({length} 文字)。{limit} 文字以内にしてください。",
        "The hypothesis template is too long ({length} characters). Keep it within {limit}.",
    ),
    "bulk.unknown_label_set": (
        "保存されたラベルセット「{name}」がありません。ラベル画面か GET /api/label-sets で名前を確かめてください。",
        "There is no saved label set named “{name}”. Check the name on the Labels page or with "
        "GET /api/label-sets.",
    ),
    "bulk.no_labels": (
        "ラベルがありません。--label-set か --labels を指定してください。",
        "No labels: give --label-set or --labels.",
    ),
    "bulk.batch_calibration": (
        "バッチ較正は一緒に送られたテキストに左右されるため一括分類では使えません。"
        "content_free か none を指定してください。",
        "Batch calibration depends on which texts are sent together, so the bulk command cannot "
        "reproduce it: use content_free or none.",
    ),
    "bulk.bad_format": (
        "形式「{name}」は読み書きできません。{choices} のどれかを指定してください。",
        "Cannot read or write “{name}”: use one of {choices}.",
    ),
    "bulk.no_column": (
        "列「{column}」が入力にありません。列: {columns}",
        "The input has no column “{column}”. Its columns: {columns}",
    ),
    "bulk.empty_input": (
        "入力に行がありません: {path}",
        "The input has no rows: {path}",
    ),
    "bulk.other_run": (
        "{output} には別の引数で始めた結果があります ({changed} が違います)。同じ引数で再開するか、"
        "--restart で最初からやり直すか、別の出力先を指定してください。",
        "{output} holds parts of a run with other arguments ({changed} differ). Rerun with the "
        "same arguments to go on, add --restart to start over, or pick another output.",
    ),
}


def render(table: dict[str, tuple[str, str]], key: str, lang: str, params: dict) -> str:
    """`key`'s text in `lang` from `table`, with `params` filled in.

    The templates are ours; user values are only ever arguments, never templates.
    """
    ja, en = table[key]
    text = en if lang == "en" else ja
    return text.format(**params) if params else text.replace("{{", "{").replace("}}", "}")


def message(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text of core error `key` in `lang`."""
    return render(MESSAGES, key, lang, params)
