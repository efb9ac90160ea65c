"""Click to result in a real browser, against the floor of a bare Streamlit form, same run.

    python -m bench.clicks [--rounds 15] [--threads 2] [--model DIR]

Starts two servers on 127.0.0.1: a bare Streamlit script (one text box and a submit button that
echoes the text; Streamlit's own defaults) and the app as the container runs it (the
BERT-base-shaped model unless --model is given). Chromium (Playwright) types a text and clicks;
the time runs in the page itself, from the click to the moment the answer is in the DOM, so
Playwright's own round trips are not counted. Figures (medians over --rounds clicks):

- floor: the bare form's click → echo;
- cached: Classify's click → result for a request the server has answered before (two texts in
  turn, both classified once beforehand);
- new: Classify's click → result for a text never seen, beside the model time the result itself
  reports (its caption), so the app's own overhead is new − model;
- page switch: a sidebar link from Classify to Labels and back, until the page's heading shows.

Then a soak (--soak-seconds): clicks and page switches in a loop, the server's RSS before and
after, as Streamlit no longer collects garbage after each run (.streamlit/config.toml).

Targets (issue 20): cached ≤ 3 × floor; new ≤ model + 150 ms; RSS growth over the soak ≤ 10 %.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.common import bert_base_dir, machine
from bench.live_server import CHROMIUM, CHROMIUM_ARGS, free_port, live_server
from bench.soak import MAX_RSS_GROWTH, rss_mb

BARE_SCRIPT = """
import streamlit as st

with st.form("bare"):
    text = st.text_input("text")
    submitted = st.form_submit_button("go")
if submitted:
    st.markdown(f"echo:{text}")
"""
# The text a result's caption starts with: "123 ミリ秒 ・ モデル …".
ELAPSED = re.compile(r"([\d,.]+) ミリ秒")
WAIT_MS = 120_000
TARGET_CACHED_RATIO = 3.0
TARGET_NEW_OVERHEAD_MS = 150.0

# Runs in the page: clicks `button` and resolves with the milliseconds until an element matching
# `selector` has text containing `want` (a MutationObserver, so no polling interval is counted).
_CLICK_UNTIL = """
([buttonSelector, selector, want]) => new Promise((resolve) => {
  const found = () => [...document.querySelectorAll(selector)]
    .some((el) => el.textContent.includes(want));
  const observer = new MutationObserver(() => {
    if (found()) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  const start = performance.now();
  document.querySelector(buttonSelector).click();
})
"""
MARKDOWN = '[data-testid="stMain"] [data-testid="stMarkdownContainer"]'
SUBMIT = '[data-testid="stMain"] [data-testid="stFormSubmitButton"] button'
HEADING = '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3'


@contextmanager
def bare_server(folder: Path) -> Iterator[str]:
    script = folder / "bare.py"
    script.write_text(BARE_SCRIPT)
    port = free_port()
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    command = [streamlit, "run", str(script), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _idle(page: Page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=WAIT_MS
    )


def _click(page: Page, textbox, text: str, selector: str, want: str) -> float:
    """Type `text`, then time the click until `want` shows in `selector` (ms)."""
    textbox.fill(text)
    _idle(page)
    elapsed = page.evaluate(_CLICK_UNTIL, [SUBMIT, selector, want])
    _idle(page)
    return elapsed


def measure_floor(page: Page, url: str, rounds: int) -> list[float]:
    page.goto(url)
    box = page.get_by_role("textbox", name="text")
    box.wait_for(timeout=WAIT_MS)
    _click(page, box, "warm", MARKDOWN, "echo:warm")
    return [_click(page, box, f"t{i}", MARKDOWN, f"echo:t{i}") for i in range(rounds)]


def _elapsed_ms(page: Page) -> float:
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]')
    for text in caption.all_inner_texts():
        match = ELAPSED.search(text)
        if match:
            return float(match.group(1).replace(",", ""))
    raise RuntimeError("no elapsed time in the result's caption")


def measure_app(page: Page, url: str, rounds: int) -> dict[str, list[float]]:
    page.goto(url + "/")
    box = page.get_by_role("textbox", name="テキスト", exact=True)
    box.wait_for(timeout=WAIT_MS)
    texts = ("京都に旅行しました。", "カレーを作りました。")
    for text in texts:  # both answered once: from here on they come from the cache
        _click(page, box, text, MARKDOWN, text)
    figures: dict[str, list[float]] = {"cached": [], "new": [], "model": [], "switch": []}
    for i in range(rounds):
        text = texts[i % 2]
        figures["cached"].append(_click(page, box, text, MARKDOWN, text))
    for i in range(rounds):
        text = f"週末は友人と新しい店に行きました。({i})"
        figures["new"].append(_click(page, box, text, MARKDOWN, text))
        figures["model"].append(_elapsed_ms(page))
    for _ in range(rounds):
        for link, heading in (("ラベル", "ラベルセット"), ("分類", "テキストを分類")):
            figures["switch"].append(_switch(page, link, heading))
    return figures


_LINK_UNTIL = _CLICK_UNTIL.replace(
    "document.querySelector(buttonSelector).click();",
    "[...document.querySelectorAll('[data-testid=\"stSidebarNav\"] a')]"
    ".find((a) => [...a.querySelectorAll('span')]"
    ".some((s) => s.textContent.trim() === buttonSelector)).click();",
)


def _switch(page: Page, link: str, heading: str) -> float:
    elapsed = page.evaluate(_LINK_UNTIL, [link, HEADING, heading])
    _idle(page)
    return elapsed


def soak(page: Page, seconds: float) -> int:
    """Cached clicks (new texts would fill the pair cache, by design) and page switches until
    the time is up; the number of script runs it caused."""
    box = page.get_by_role("textbox", name="テキスト", exact=True)
    texts = ("京都に旅行しました。", "カレーを作りました。")
    runs, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = texts[runs % 2]
        _click(page, box, text, MARKDOWN, text)
        _switch(page, "ラベル", "ラベルセット")
        _switch(page, "分類", "テキストを分類")
        runs += 3
    return runs


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2, help="NUM_THREADS of the app")
    parser.add_argument("--model", help="model directory (default: the BERT-base-shaped one)")
    parser.add_argument("--soak-seconds", type=float, default=60)
    args = parser.parse_args(argv)
    model_dir = args.model or str(bert_base_dir())
    print(f"Machine: {machine()}")
    print(f"App: NUM_THREADS={args.threads}, model {Path(model_dir).name}; {args.rounds} rounds\n")
    env = {"MODEL_ID": model_dir, "NUM_THREADS": str(args.threads)}
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory() as tmp,
        bare_server(Path(tmp)) as bare_url,
        live_server(Path(tmp), **env) as server,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
        server.wait_until("/readyz", 200, 300)
        floor = measure_floor(page, bare_url, args.rounds)
        figures = measure_app(page, server.url, args.rounds)
        rss_before = rss_mb(server.process.pid)
        runs = soak(page, args.soak_seconds)
        rss_after = rss_mb(server.process.pid)
        browser.close()
    floor_ms = _median(floor)
    cached, new, model = (_median(figures[k]) for k in ("cached", "new", "model"))
    switch = _median(figures["switch"])
    overhead = _median([n - m for n, m in zip(figures["new"], figures["model"], strict=True)])
    print("| figure | median ms | reference | ratio / overhead | target | met |")
    print("|---|---:|---|---:|---|---|")
    print(f"| bare Streamlit form, click → echo | {floor_ms:.0f} | (the floor) | 1.0 × | | |")
    cached_ratio = cached / floor_ms
    cached_ok = cached_ratio <= TARGET_CACHED_RATIO
    print(
        f"| Classify, cached request, click → result | {cached:.0f} | floor {floor_ms:.0f} ms "
        f"| {cached_ratio:.1f} × | ≤ {TARGET_CACHED_RATIO:.0f} × | {'yes' if cached_ok else 'no'} |"
    )
    new_ok = overhead <= TARGET_NEW_OVERHEAD_MS
    print(
        f"| Classify, new request, click → result | {new:.0f} | model {model:.0f} ms "
        f"| +{overhead:.0f} ms | ≤ +{TARGET_NEW_OVERHEAD_MS:.0f} ms | {'yes' if new_ok else 'no'} |"
    )
    print(
        f"| page switch (Classify ⇄ Labels), click → heading | {switch:.0f} | floor "
        f"{floor_ms:.0f} ms | {switch / floor_ms:.1f} × | | |"
    )
    growth = rss_after / rss_before - 1
    soak_ok = growth <= MAX_RSS_GROWTH
    print(
        f"| server RSS over a {args.soak_seconds:.0f} s soak ({runs} script runs) | "
        f"{rss_after:.0f} MB | before {rss_before:.0f} MB | {growth:+.1%} "
        f"| ≤ {MAX_RSS_GROWTH:+.0%} | {'yes' if soak_ok else 'no'} |"
    )
    return cached_ok and new_ok and soak_ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
