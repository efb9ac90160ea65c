"""Every page and HTTP string, Japanese first, English second.

Pages, the plain-HTTP page and the JSON API read from here; core's error texts come from
core/messages.py through the same `message` function, so a caller never needs to know which.
"""

from __future__ import annotations

from core import messages as core_messages
from core.messages import DEFAULT_LANGUAGE, LANGUAGES, render

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "MESSAGES", "header_lang", "message"]

MESSAGES: dict[str, tuple[str, str]] = {
    "app.title": ("日本語ゼロショット分類", "Japanese zero-shot classification"),
    "app.language": ("表示言語", "Language"),
    "nav.classify": ("分類", "Classify"),
    "nav.labels": ("ラベル", "Labels"),
    "nav.examples": ("例文", "Examples"),
    "model.loading": (
        "モデルを読み込んでいます…しばらくお待ちください。",
        "Loading the model… please wait.",
    ),
    "model.retry": ("再読み込み", "Retry loading"),
    "model.error_hint": (
        "モデル「{model}」を読み込めませんでした。ネットワークからダウンロードできない環境では、"
        "環境変数 MODEL_ID にモデルのフォルダー (config.json と重みのあるディレクトリ) を指定して"
        "起動してください。ファイルを直したら「再読み込み」を押してください。",
        "The model “{model}” could not be loaded. Where it cannot be downloaded, start the "
        "app with MODEL_ID set to a model folder (a directory with config.json and the weights). "
        "Once the files are fixed, press “Retry loading”.",
    ),
    "model.error_details": ("詳細", "Details"),
    "model.not_ready": (
        "モデルの準備ができていません。少し待ってから再度お試しください。",
        "The model is not ready yet. Please try again in a moment.",
    ),
    "model.busy": (
        "混み合っています。数秒後にもう一度お試しください。",
        "The server is busy. Please try again in a few seconds.",
    ),
    "explain.toggle": ("根拠を表示 (語ごとの影響)", "Explain (each word's effect)"),
    "explain.toggle_help": (
        "語を1つずつ除いて分類し直し、ラベルのスコアがどれだけ変わるかを示します。"
        "語の数 × ラベルの数だけ計算が増えます。",
        "Drops each word in turn, classifies again and shows how much the label's score moves. "
        "Costs one pass per word and label.",
    ),
    "explain.label": ("説明するラベル", "Label to explain"),
    "explain.working": ("語ごとの影響を計算しています…", "Measuring each word's effect…"),
    "explain.title": ("「{label}」の根拠", "Why “{label}”"),
    "explain.towards": ("ラベルを支持", "speaks for the label"),
    "explain.against": ("ラベルに反する", "speaks against it"),
    "explain.capped": (
        "最初の {shown} 語だけを説明しています (全 {total} 語)。",
        "Only the first {shown} words are explained (of {total}).",
    ),
    "explain.word": ("語", "Word"),
    "explain.effect": ("影響 (スコアの差)", "Effect (score difference)"),
    "error.explain_one_text": (
        "説明は1件のテキストにだけ付けられます。テキストを1つにしてください。",
        "An explanation is for one text at a time. Send a single text.",
    ),
    "error.explain_with_options": (
        "説明 (explain) は通常のスコアにだけ付けられます。wordings と calibration を外してください。",
        "An explanation is for plain scores: leave out wordings and calibration.",
    ),
    "error.precondition_required": (
        "ラベルセットを変更・削除するには、読んだときの ETag を If-Match で送ってください"
        " (新規作成は If-None-Match: *)。",
        "To change or delete a label set, send the ETag you read in If-Match"
        " (to create one, If-None-Match: *).",
    ),
    "workspace.unsaved": (
        "保存先に接続できないため、作業内容は保存されていません。分類は引き続き使えます。接続が戻ると自動で保存します。",
        "The store cannot be reached: your work is not being saved. Classifying still works; "
        "saving resumes by itself when the store is back.",
    ),
    "workspace.not_found": (
        "ワークスペース「{id}」が見つかりません。リンクが途中で切れているか、別の環境のものかもしれません。",
        "Workspace “{id}” was not found. The link may have been cut short, or be from another "
        "deployment.",
    ),
    "workspace.not_found_help": (
        "送ってくれた人にリンク全体をもう一度もらってください。サインインしていれば、サイドバーの「最近のワークスペース」からも開けます。"
        "新しく始めても、元のワークスペースは消えません。",
        "Ask the sender for the whole link again; signed in, your recent workspaces are in the "
        "sidebar too. Starting a new one deletes nothing.",
    ),
    "workspace.start_new": ("新しいワークスペースを始める", "Start a new workspace"),
    "workspace.over_limit": (
        "作業内容は上限を超えているため保存されていません。{detail} 上限内に戻ると自動で保存します。",
        "Your work is past a size limit and is not being saved. {detail} "
        "Saving resumes by itself once it is back within the limit.",
    ),
    "workspace.header": ("ワークスペース", "Workspace"),
    "workspace.caption": (
        "作業内容は自動で保存されます。この画面の URL を開けば、別のブラウザでも続きから作業できます。",
        "Your work is saved as you go. Open this page's URL to carry on, in any browser.",
    ),
    "workspace.export": ("JSON で書き出す", "Export as JSON"),
    "workspace.import": (
        "JSON から読み込む (新しいワークスペースとして開きます)",
        "Import JSON (opens as a new workspace)",
    ),
    "workspace.imported": (
        "読み込みました。新しいワークスペースとして保存されています。",
        "Imported. It is saved as a new workspace.",
    ),
    "workspace.recent": ("最近のワークスペース", "Recent workspaces"),
    "workspace.this_one": ("このワークスペース", "this one"),
    "workspace.summary": ("例文 {examples} 件", "{examples} examples"),
    "workspace.merged": (
        "このワークスペースは別の画面でも更新されていました。両方の変更をまとめて保存しました。",
        "This workspace was also changed in another window; both sets of changes were kept.",
    ),
    "classify.header": ("テキストを分類", "Classify a text"),
    "classify.text": ("テキスト", "Text"),
    "classify.text_placeholder": ("例: そうだ京都に行こう!", "e.g. そうだ京都に行こう!"),
    "classify.labels": ("ラベル", "Labels"),
    "classify.custom_label": ("カスタムラベル", "Custom label"),
    "classify.custom_label_help": (
        "候補に加えるラベル。「、」か「,」で区切ると複数指定できます"
        "（「旅行=旅行|観光」と書けば旅行は言い方のうち最高のスコア）。",
        "A label to add to the candidates; separate several with commas (, or 、). Written "
        "旅行=旅行|観光, the label 旅行 scores the best of its wordings.",
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
    "classify.options": (
        "言い換えと補正 (実験で選んだ設定)",
        "Wordings and calibration (from an experiment)",
    ),
    "classify.wordings": ("ラベルの言い換え (1行に1ラベル)", "Label wordings (one label per line)"),
    "classify.wordings_help": (
        "「旅行=旅行|観光|旅」のように書くと、旅行のスコアは3つの言い方の最高値になります。"
        "空なら各ラベルそのままです。",
        "Written 旅行=旅行|観光|旅, the label 旅行 scores the best of the three wordings. "
        "Empty: each label as it is.",
    ),
    "classify.submit": ("分類する", "Classify"),
    "classify.results": ("結果", "Results"),
    "classify.none": (
        "該当なし: どのラベルも保存済みセット「{name}」(v{version}) のしきい値 ({threshold}) に"
        "届きませんでした。",
        "None of these: no label reached the threshold ({threshold}) of saved set “{name}” "
        "(v{version}).",
    ),
    "classify.thresholds_applied": (
        "保存済みセット「{name}」(v{version}) のしきい値を適用: {predicted}",
        "Thresholds of saved set “{name}” (v{version}) applied: {predicted}",
    ),
    "batch.set_used": (
        "保存済みセット「{name}」(v{version}) で分類: しきい値があれば、どのラベルも届かない行は「該当なし」、学習済みモデルがあればそのモデルで。",
        "Classified as saved set “{name}” (v{version}): with its thresholds, a row no label reaches is “none”; with its tuned model, by that model.",
    ),
    "classify.tuned_model": (
        "保存済みセット「{name}」(v{version}) の学習済みモデルで分類しました。",
        "Classified with the tuned model of saved set “{name}” (v{version}).",
    ),
    "classify.running": ("分類しています…", "Classifying…"),
    "classify.truncated": (
        "テキストが長すぎるため、モデルが読める長さ ({max_tokens} トークン) に切り詰めました。",
        "The text was too long and was cut to what the model reads ({max_tokens} tokens).",
    ),
    "classify.dropped": (
        "重複したラベル (全角・半角や空白の違いだけのものを含む) を除きました: {labels}",
        "Duplicate labels (including ones differing only in width or spacing) were dropped: {labels}",
    ),
    "classify.elapsed": ("{ms:.0f} ミリ秒 ・ モデル {model}", "{ms:.0f} ms · model {model}"),
    "classify.from_cache": ("キャッシュから", "from the cache"),
    "run.stop": ("中止", "Stop"),
    "run.time_left": ("残り約 {seconds} 秒", "about {seconds} s left"),
    "run.caption": (
        "ラベル: {labels} · テンプレート: {template} · {mode}",
        "Labels: {labels} · template: {template} · {mode}",
    ),
    "run.mode_single": ("単一ラベル", "single-label"),
    "run.mode_multi": ("複数ラベル", "multi-label"),
    "error.not_found": (
        "{path} はありません。API の一覧は /api/openapi.json にあります。",
        "There is no {path}. The API is described at /api/openapi.json.",
    ),
    "error.login_grant": (
        "ログインを保持できませんでした。もう一度ログインしてください。",
        "The login could not be kept. Sign in again.",
    ),
    "error.method": (
        "{method} は使えません (使えるのは {allowed})。",
        "{method} is not allowed here (allowed: {allowed}).",
    ),
    "error.unknown_tuning_job": (
        "学習ジョブ {job} が見つかりません。",
        "There is no tuning job {job}.",
    ),
    "error.unknown_label_set": (
        "ラベルセット「{name}」はありません。",
        "There is no label set “{name}”.",
    ),
    "upload.not_signed_in": (
        "ログインしていないセッションからは受け付けません。",
        "Not accepted from a session that has not signed in.",
    ),
    "upload.length_required": (
        "アップロードの大きさ (Content-Length) がありません。",
        "The upload does not say its size (Content-Length).",
    ),
    "error.client_busy": (
        "このクライアントからの同時リクエストが上限 ({limit} 件) に達しています。前のリクエストの結果を待ってから送ってください。",
        "This client already has {limit} requests in progress (the limit). Wait for an answer before sending more.",
    ),
    "upload.over_budget": (
        "アップロードが多すぎます。しばらく待ってから再度お試しください。",
        "Too many uploads. Please wait a while and try again.",
    ),
    "result.label": ("ラベル", "Label"),
    "result.score": ("スコア", "Score"),
    "result.rank": ("順位", "Rank"),
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
    "labels.imported_renamed": (
        "「{wanted}」は既にあるので、「{name}」として読み込みました。",
        "“{wanted}” exists already, so it was imported as “{name}”.",
    ),
    "labels.deleted": ("ラベルセット「{name}」を削除しました。", "Deleted the label set “{name}”."),
    "labels.undo_delete": ("元に戻す", "Undo"),
    "labels.imported": ("セット「{name}」を読み込みました。", "Imported the set “{name}”."),
    "labels.default_set": ("標準", "Default"),
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
    "undo.removed": ("「{item}」を削除しました。", "Removed “{item}”."),
    "undo.button": ("元に戻す", "Undo"),
    "eval.remove_row": ("この行を削除", "Remove this row"),
    "eval.add_row": ("行を追加", "Add a row"),
    "eval.apply": ("この内容で評価", "Evaluate these rows"),
    "eval.rows_hint": (
        "入力した内容は「この内容で評価」を押すと反映されます。",
        "What you type is used when you press “Evaluate these rows”.",
    ),
    "examples.stale": (
        "この表は今とは違う例文・ラベル・テンプレート・モードで作られました。"
        "「すべて分類」で作り直してください。",
        "This table was made with other examples, labels, template or mode than those now. "
        "Run all again to bring it up to date.",
    ),
    "compare.stale": (
        "この結果は今とは違うラベルで作られました。もう一度比較してください。",
        "These results were made with other labels than those now. Compare again.",
    ),
    "error.set_exists": (
        "セット「{name}」はすでにあります。",
        "A set named “{name}” already exists.",
    ),
    "error.empty_set_name": ("セットの名前を入力してください。", "Type a name for the set."),
    "error.last_set": ("最後のセットは削除できません。", "The last set cannot be deleted."),
    "error.empty_example": ("例文が空です。", "The example is empty."),
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
    "store.header": ("保存済みのセット", "Saved sets"),
    "store.caption": (
        "ブラウザを閉じても、アプリを再起動しても残ります。チームで共有されます。",
        "Kept after the tab closes and the app restarts; shared with the team.",
    ),
    "store.pick": ("保存済みのセット", "Saved set"),
    "store.none": ("まだ保存されたセットはありません。", "No saved sets yet."),
    "store.load": ("読み込む", "Load"),
    "store.delete": ("削除", "Delete"),
    "store.save_as": ("保存する名前", "Save as"),
    "store.notes": ("メモ", "Notes"),
    "store.save": ("現在のセットを保存", "Save the current set"),
    "store.saved": ("「{name}」を保存しました。", "Saved “{name}”."),
    "store.loaded": ("「{name}」を読み込みました。", "Loaded “{name}”."),
    "store.deleted": ("「{name}」を削除しました。", "Deleted “{name}”."),
    "store.updated_at": ("更新: {when}", "Updated: {when}"),
    "store.not_measured": (
        "v{version}: 測定なし (ゼロショット、しきい値なし)",
        "v{version}: nothing measured (zero-shot, no thresholds)",
    ),
    "store.measured_zero_shot": (
        "v{version}: {rows} 件の例で測定、しきい値あり、macro-F1 {macro} · モデル: ゼロショット",
        "v{version}: measured on {rows} rows, with thresholds, macro-F1 {macro} · model: zero-shot",
    ),
    "store.measured_tuned": (
        "v{version}: {rows} 件の例で測定、しきい値あり、macro-F1 {macro} · モデル: 学習済み "
        "(検証用の例で macro-F1 ゼロショット {zero} → 学習済み {tuned})",
        "v{version}: measured on {rows} rows, with thresholds, macro-F1 {macro} · model: tuned "
        "(held-out macro-F1: zero-shot {zero} → tuned {tuned})",
    ),
    "store.confirm_delete": (
        "保存済みのセット「{name}」をチーム全員から削除します。よろしいですか？",
        "This deletes the saved set “{name}” for the whole team. Are you sure?",
    ),
    "store.delete_yes": ("削除する", "Delete it"),
    "store.delete_no": ("やめる", "Keep it"),
    "store.gone": (
        "そのセットは他の人が削除しました。",
        "Someone else has deleted that set.",
    ),
    "store.not_saving": (
        "保存済みのセットは今は使えません (分類は続けられます)。",
        "Saved sets are unavailable for now (classification still works).",
    ),
    "share.header": ("共有リンク", "Share link"),
    "share.caption": (
        "ラベル、テンプレート、モード、テキストを URL に入れます。開くと同じ状態になります。",
        "Puts the labels, template, mode and text in the URL; opening it restores them.",
    ),
    "share.make": ("共有リンクを作る", "Make a share link"),
    "share.restored": (
        "共有リンクの内容を読み込みました(ラベルセット「{name}」)。",
        "Loaded the shared link (label set “{name}”).",
    ),
    "nav.compare": ("テンプレート比較", "Compare templates"),
    "nav.batch": ("ファイル一括", "Batch files"),
    "nav.evaluate": ("評価", "Evaluate"),
    "nav.experiments": ("実験", "Experiments"),
    "exp.header": ("実験: 最適なラベルとテンプレートを探す", "Experiments: find the best labels"),
    "exp.caption": (
        "評価ページの {count} 件の評価データで、ラベルセット × テンプレート × モード × 補正の"
        "組み合わせをすべて試し、成績順に並べます。ラベルは「旅行=旅行|観光|旅」のように"
        "複数の言い方を指定できます (最も高いスコアを採用)。",
        "Tries every combination of label set x template x mode x calibration on the {count} "
        "evaluation rows of the Evaluate page and ranks them. A label may have several wordings, "
        "written 旅行=旅行|観光|旅 (its best score counts).",
    ),
    "exp.label_sets": ("ラベルセット", "Label sets"),
    "exp.templates": ("テンプレート (1行に1つ)", "Templates (one per line)"),
    "exp.average": ("テンプレートの平均も試す", "Also try the average of the templates"),
    "exp.modes": ("モード", "Modes"),
    "exp.mode_single": ("単一ラベル", "single-label"),
    "exp.mode_multi": ("複数ラベル", "multi-label"),
    "exp.threshold": ("複数ラベルのしきい値", "Multi-label threshold"),
    "exp.calibrations": ("補正", "Calibration"),
    "exp.cal_none": ("なし", "none"),
    "exp.cal_content_free": ("内容なし入力で補正 (Zhao+ 2021)", "content-free (Zhao+ 2021)"),
    "exp.cal_batch": ("評価データの平均で補正 (Zhou+ 2023)", "batch (Zhou+ 2023)"),
    "exp.run": ("すべて試す", "Run the grid"),
    "exp.cancel_hint": (
        "実行中に別のボタンを押すと中止します (終わった組み合わせは残ります)。",
        "Press any other button to stop (finished variants are kept).",
    ),
    "exp.progress": ("{done}/{total} 通りを評価しました", "Evaluated {done} of {total} variants"),
    "exp.leaderboard": ("成績表", "Leaderboard"),
    "exp.empty": ("まだ実行結果がありません。", "No runs yet."),
    "exp.rank": ("順位", "Rank"),
    "exp.when": ("日時", "When"),
    "exp.config": ("設定", "Configuration"),
    "exp.open": ("詳しく見る実行", "Run to open"),
    "exp.compare_with": ("比べる実行", "Compare with"),
    "exp.changed": (
        "予測が変わったテキスト: {count} 件",
        "Texts whose prediction changed: {count}",
    ),
    "exp.wrong": ("間違えたテキスト", "Texts it got wrong"),
    "exp.use": ("このラベルとテンプレートを使う", "Use these labels and template"),
    "exp.used": (
        "ラベルセット「{name}」とテンプレートを現在の設定にしました。",
        "Label set “{name}” and its template are now the current ones.",
    ),
    "exp.save_name": ("保存する名前 (チームのラベルセット)", "Name to save as (team label set)"),
    "exp.save": ("ラベルセットとして保存", "Save as label set"),
    "tune.header": ("この例から学習する", "Learn from these rows"),
    "tune.caption": (
        "保存済みのラベルセットに、評価の例 ({count} 件) でしきい値を合わせる (該当なしを含む) か、"
        "モデルを学習します (LoRA アダプター)。学習したモデルは検証用の例でゼロショットを上回った"
        "ときだけ使えます。",
        "Fit a saved set's thresholds (including 該当なし / none) or tune its model (a LoRA "
        "adapter) on the evaluation rows ({count}). A tuned model is offered only when it beats "
        "zero-shot on held-out rows.",
    ),
    "tune.set": ("保存済みのラベルセット", "Saved label set"),
    "tune.no_sets": (
        "保存済みのラベルセットがありません。上の結果を「ラベルセットとして保存」してください。",
        "No saved label sets yet: save a run above with “Save as label set”.",
    ),
    "tune.multi": ("複数ラベル", "Multi-label"),
    "tune.fit": ("しきい値を合わせる", "Fit thresholds"),
    "tune.fitted": (
        "しきい値を「{name}」v{version} に保存しました: 正解率 {accuracy}、macro-F1 {macro}、"
        "該当なし {abstain}。",
        "Thresholds kept with “{name}” v{version}: accuracy {accuracy}, macro-F1 {macro}, "
        "none {abstain}.",
    ),
    "tune.min_top": ("最低の最上位スコア: {value}", "Minimum top score: {value}"),
    "tune.epochs": ("エポック数", "Epochs"),
    "tune.start": ("学習する", "Tune"),
    "tune.progress": ("学習中: {done} / {total} ステップ", "Tuning: step {done} of {total}"),
    "tune.stop": ("学習を止める", "Stop tuning"),
    "tune.status": ("学習ジョブ: {status}", "Tuning job: {status}"),
    "tune.preparing": (
        "学習の準備をしています (例の分割、ステップ数の計算)…",
        "Preparing to tune (splitting the rows, counting the steps)…",
    ),
    "tune.status_running": ("実行中", "running"),
    "tune.status_done": ("完了", "done"),
    "tune.status_stopped": ("止めました", "stopped"),
    "tune.status_failed": ("失敗しました", "failed"),
    "tune.status_interrupted": (
        "中断されました (サーバーの再起動)",
        "interrupted (the server restarted)",
    ),
    "tune.board": (
        "検証用の例 {rows} 件 ({method}) でのゼロショットと学習済みの比較",
        "Zero-shot against tuned on {rows} held-out rows ({method})",
    ),
    "tune.zero_shot": ("ゼロショット", "Zero-shot"),
    "tune.tuned": ("学習済み", "Tuned"),
    "tune.beats": (
        "学習済みモデルがゼロショットを上回りました。",
        "The tuned model beats zero-shot.",
    ),
    "tune.use": ("この学習済みモデルを使う", "Use this tuned model"),
    "tune.used": (
        "「{name}」v{version} は学習済みモデルで答えます (API でも)。",
        "“{name}” v{version} now answers with its tuned model (over the API too).",
    ),
    "exp.filter": ("絞り込み (設定に含む文字)", "Filter (text in the configuration)"),
    "compare.header": ("テンプレートを比較", "Compare hypothesis templates"),
    "compare.templates": (
        "テンプレート (1 行に 1 つ、2〜4 個)",
        "Templates (one per line, 2 to 4)",
    ),
    "compare.scope": ("対象", "Run on"),
    "compare.scope_text": ("1 つのテキスト", "One text"),
    "compare.scope_examples": ("すべての例文", "All examples"),
    "compare.run": ("比較する", "Compare"),
    "compare.differs": (
        "テンプレートによって最上位ラベルが変わるテキスト: {count} 件",
        "Texts whose top label depends on the template: {count}",
    ),
    "compare.same": (
        "どのテンプレートでも最上位ラベルは同じです。",
        "Every template gives the same top label.",
    ),
    "compare.template": ("テンプレート", "Template"),
    "compare.text": ("テキスト", "Text"),
    "batch.header": ("ファイルを一括分類", "Classify a file"),
    "batch.upload": (
        "CSV または Excel ファイル (ドラッグ＆ドロップ可、10 MB まで)",
        "CSV or Excel file (drag and drop, up to 10 MB)",
    ),
    "batch.caption": (
        "{rows} 行まで。分類はサーバーで進み、ページを離れても続きます。結果は各ラベルのスコア付きで CSV または Excel でダウンロードできます。",
        "Up to {rows} rows. Classifying goes on on the server while you leave the page. Download the results, with every label's score, as CSV or Excel.",
    ),
    "batch.column": ("テキストの列", "Text column"),
    "batch.bulk_title": (
        "{rows} 行を超えるファイルは一括コマンドで",
        "More than {rows} rows: the bulk command",
    ),
    "batch.bulk_hint": (
        "このページは {rows} 行までです。それより大きいファイル (数百万行でも) は、今のラベルセットのままこのコマンドで分類できます (ノート PC でも Ray クラスターでも、同じスコア)。詳しくは docs/bulk.md。",
        "This page takes up to {rows} rows. A larger file (millions of rows) is classified with the label set on screen by this command, on a laptop or a Ray cluster, with the same scores. See docs/bulk.md.",
    ),
    "batch.preview": ("プレビュー", "Preview"),
    "batch.run": ("すべての行を分類", "Classify every row"),
    "batch.top_label": ("最上位ラベル", "Top label"),
    "batch.download_xlsx": ("Excel でダウンロード", "Download as Excel"),
    "batch.progress": ("{done}/{total} 行を分類しました", "Classified {done} of {total} rows"),
    "eval.skipped": (
        "正解ラベルのない {count} 行は評価から除きました。",
        "{count} rows without an expected label were left out of the evaluation.",
    ),
    "eval.details_caption": (
        "テキストごとの予測とスコア (間違えた行は赤)",
        "Each text's prediction and scores (wrong rows in red)",
    ),
    "eval.no_label_column": (
        "— : どのラベルもしきい値に届かなかった予測",
        "— : predictions where no label reached the threshold",
    ),
    "eval.progress": ("{done}/{total} 件を評価しました", "Evaluated {done} of {total}"),
    "compare.bad_line": (
        "{line} 行目「{template}」: {reason}",
        "Line {line} “{template}”: {reason}",
    ),
    "compare.use": ("「{template}」を使う", "Use “{template}”"),
    "compare.progress": (
        "{done}/{total} 件のテキストを比較しました",
        "Compared {done} of {total} texts",
    ),
    "batch.download": ("結果を CSV でダウンロード", "Download the results as CSV"),
    "batch.done": ("{count} 行を分類しました。", "Classified {count} rows."),
    "upload.button": ("ファイルを選ぶ", "Choose a file"),
    # Streamlit's own texts (web/ui/style.py puts these in their place); English as Streamlit
    # writes it.
    "streamlit.columns": ("列の表示/非表示", "Show/hide columns"),
    "streamlit.download_csv": ("CSV でダウンロード", "Download as CSV"),
    "streamlit.search": ("検索", "Search"),
    "streamlit.fullscreen": ("全画面表示", "Fullscreen"),
    "streamlit.close_fullscreen": ("全画面を閉じる", "Close fullscreen"),
    "streamlit.add_row": ("行を追加", "Add row"),
    "streamlit.delete_rows": ("行を削除", "Delete row(s)"),
    "streamlit.choose": ("選んでください", "Choose an option"),
    "streamlit.choose_many": ("選んでください (複数可)", "Choose options"),
    "streamlit.no_results": ("該当なし", "No results"),
    "streamlit.clear_all": ("すべて外す", "Clear all"),
    "streamlit.clear_selection": ("選択を外す", "Clear selection"),
    "streamlit.skip": ("本文へ移動", "Skip to main content"),
    "streamlit.heading_link": ("見出しへのリンク", "Link to heading"),
    "streamlit.submit_hint": ("Enter キーで送信", "Press Enter to submit form"),
    "streamlit.apply_hint": ("Enter キーで確定", "Press Enter to apply"),
    "streamlit.sidebar": ("サイドバー", "Sidebar"),
    "streamlit.collapse_sidebar": ("サイドバーを閉じる", "Collapse sidebar"),
    "streamlit.expand_sidebar": ("サイドバーを開く", "Expand sidebar"),
    "streamlit.pages": ("ページ一覧", "App pages"),
    "streamlit.selected": ("選んだ項目", "Selected values"),
    "streamlit.open": ("開く", "Open"),
    "streamlit.close": ("閉じる", "Close"),
    "streamlit.clear_value": ("消去", "Clear value"),
    "streamlit.file_upload": ("ファイルのアップロード", "file upload"),
    "streamlit.increment": ("増やす", "Increment"),
    "streamlit.decrement": ("減らす", "Decrement"),
    "streamlit.running": ("実行中…", "Running..."),
    "streamlit.stop_script": ("実行を止める", "Stop script"),
    "streamlit.main_menu": ("メニュー", "Main menu"),
    "streamlit.column_menu": ("列のメニュー", "Dataframe column menu"),
    # "Remove 旅行" on a chosen item of a multi-select: ITEM stands for the item.
    "streamlit.remove": ("ITEM を外す", "Remove ITEM"),
    "batch.row_failed": ("{row} 行目: {detail}", "Row {row}: {detail}"),
    "batch.job_of": (
        "ファイル「{file}」· 列「{column}」· ラベル {labels} · テンプレート「{template}」· {mode}",
        "File “{file}” · column “{column}” · labels {labels} · template “{template}” · {mode}",
    ),
    "batch.running": (
        "サーバーで分類中です。このページを離れても、再読み込みしても続きます。",
        "Classifying on the server: it goes on if you leave this page or reload it.",
    ),
    "batch.stop": ("止める", "Stop"),
    "batch.stopping": ("止めています…", "Stopping…"),
    "batch.go_on": ("続きから実行", "Go on"),
    "batch.stopped": (
        "{done}/{total} 行で止めました。分類済みの {done} 行を表示・ダウンロードできます。「続きから実行」で残りを分類します。",
        "Stopped at {done} of {total} rows. The {done} rows done are shown and can be downloaded; “Go on” classifies the rest.",
    ),
    "batch.interrupted": (
        "{done}/{total} 行で中断されました (サーバーの再起動など)。「続きから実行」で残りを分類します。",
        "Interrupted at {done} of {total} rows (the server restarted?). “Go on” classifies the rest.",
    ),
    "batch.failed": (
        "{done}/{total} 行で止まりました: {reason}",
        "Stopped at {done} of {total} rows: {reason}",
    ),
    "batch.job_local": (
        "データベースに接続できないため、このジョブはこのサーバーにだけ保存されています。",
        "The database is unreachable: this job is kept on this server only.",
    ),
    "batch.job_gone": (
        "前回のジョブが見つかりません (保存先が変わったか、削除されました)。",
        "The last job cannot be found (its store changed or it was removed).",
    ),
    "eval.header": ("ラベルセットを評価", "Evaluate the label set"),
    "eval.caption": (
        "正解の分かっている例で、現在のラベルセットとテンプレートの良さを測ります。正解が複数なら | で区切ります。",
        "Measure the current labels and template on examples whose answer you know. Separate several answers with |.",
    ),
    "eval.source": ("例の入力", "Examples from"),
    "eval.source_table": ("表に入力", "Typed in"),
    "eval.source_file": ("ファイル", "A file"),
    "eval.text": ("テキスト", "Text"),
    "eval.expected": ("正解ラベル", "Expected labels"),
    "eval.expected_column": ("正解ラベルの列", "Expected-label column"),
    "eval.threshold": ("しきい値 (複数ラベル)", "Threshold (multi-label)"),
    "eval.accuracy": ("正解率", "Accuracy"),
    "eval.macro_f1": ("マクロ F1", "Macro-F1"),
    "eval.precision": ("適合率", "Precision"),
    "eval.recall": ("再現率", "Recall"),
    "eval.f1": ("F1", "F1"),
    "eval.support": ("正解数", "Support"),
    "eval.confusion": (
        "混同行列 (行: 正解、列: 予測)",
        "Confusion matrix (rows: expected, columns: predicted)",
    ),
    "eval.predicted": ("予測", "Predicted"),
    "eval.correct": ("正誤", "Correct"),
}


def message(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `lang`: the web layer's copy, or one of core's error texts."""
    table = MESSAGES if key in MESSAGES else core_messages.MESSAGES
    return render(table, key, lang, params)


def header_lang(accept_language: str | None) -> str:
    """The language for an HTTP answer: of Japanese and English, the one the client weighs
    higher in Accept-Language (RFC 9110 section 12.5.4: `q` weights, 1 when absent, 0 meaning
    "not this"; the first listed wins a tie); Japanese when it names neither."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for item in (accept_language or "").split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("ja", "en"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = primary, q
    return best
