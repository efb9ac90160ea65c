"""Cold start as a visitor meets it: how soon the page's frame and its form are drawn while the
BERT-base-shaped model is still loading, against when the model is ready.

    python -m bench.cold_start

Starts the app as the container does, opens Chromium on `/` as soon as `/healthz` answers, and
prints the seconds from process start to: /healthz 200, the page title drawn, the Classify form
drawn, /readyz 200; and the form's time as a share of the model's.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.common import bert_base_dir, machine
from bench.live_server import CHROMIUM, CHROMIUM_ARGS, live_server

# Generous: a cold start on a busy 2-vCPU box takes well under this.
WAIT_MS = 120_000


def main() -> None:
    print(f"Machine: {machine()}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        env = {"MODEL_ID": str(bert_base_dir()), "NUM_THREADS": "2"}
        with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), **env) as server:
            server.wait_until("/healthz", 200, 60)
            health = time.monotonic() - server.started_at
            page.goto(server.url + "/")
            page.locator("h1").first.wait_for(timeout=WAIT_MS)
            title = time.monotonic() - server.started_at
            page.get_by_role("textbox", name="テキスト", exact=True).wait_for(timeout=WAIT_MS)
            form = time.monotonic() - server.started_at
            server.wait_until("/readyz", 200, WAIT_MS / 1000)
            ready = time.monotonic() - server.started_at
        browser.close()
    print(f"/healthz 200: {health:.2f} s")
    print(f"page title drawn: {title:.2f} s")
    print(f"Classify form drawn: {form:.2f} s")
    print(f"/readyz 200 (model loaded): {ready:.2f} s")
    print(f"form drawn at {form / ready:.2f} x the model's load time")


if __name__ == "__main__":
    main()
