"""Page-wide style: Streamlit's own English hints hidden or put in the UI language.

Streamlit draws a few texts of its own that cannot be translated ("Drag and drop file here",
"Limit 10MB per file", "Press Enter to submit form"). Each widget that needs them carries our
own help text instead (labels and captions in web/text.py), so these are hidden. The file
uploader's "Upload" button has no setting for its text: it is drawn in the UI language instead.
The rest of Streamlit's own words (the table toolbar's tips, "Choose an option", "Skip to main
content") are replaced in the page by one small script, which also keeps the heading anchors
(shown only on hover) out of the Tab order.
"""

from __future__ import annotations

import json

import streamlit as st

from web.ui.i18n import lang, t

HIDDEN_STREAMLIT_HINTS = (
    '[data-testid="stFileUploaderDropzoneInstructions"]',
    '[data-testid="InputInstructions"]',
)


# Streamlit lays the sidebar over the page below this width (its "mobile" breakpoint).
PHONE_MAX_PX = 768
# Headings break between phrases, never inside a word (ゼロショッ/ト), and a phone's title is
# small enough to fit its line.
HEADING_RULES = (
    "h1, h2, h3 { word-break: auto-phrase; }"
    " @media (max-width: 640px) {"
    ' [data-testid="stMain"] h1 { font-size: 1.75rem !important; }'
    ' [data-testid="stMain"] h2 { font-size: 1.35rem !important; } }'
)

UPLOAD_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'

# Streamlit's own words, exactly as its frontend writes them (streamlit/static), and our key.
STREAMLIT_TEXTS = {
    "Show/hide columns": "streamlit.columns",
    "Download as CSV": "streamlit.download_csv",
    "Search": "streamlit.search",
    "Fullscreen": "streamlit.fullscreen",
    "Close fullscreen": "streamlit.close_fullscreen",
    "Add row": "streamlit.add_row",
    "Delete row(s)": "streamlit.delete_rows",
    "Choose an option": "streamlit.choose",
    "Choose options": "streamlit.choose_many",
    "No results": "streamlit.no_results",
    "Clear all": "streamlit.clear_all",
    "Clear selection": "streamlit.clear_selection",
    "Skip to main content": "streamlit.skip",
    "Link to heading": "streamlit.heading_link",
    "Press Enter to submit form": "streamlit.submit_hint",
    "Press Enter to apply": "streamlit.apply_hint",
    "Sidebar": "streamlit.sidebar",
    "Collapse sidebar": "streamlit.collapse_sidebar",
    "Expand sidebar": "streamlit.expand_sidebar",
    "App pages": "streamlit.pages",
    "Selected values": "streamlit.selected",
    "Open": "streamlit.open",
    "Close": "streamlit.close",
    "Clear value": "streamlit.clear_value",
    "file upload": "streamlit.file_upload",
    "Increment": "streamlit.increment",
    "Decrement": "streamlit.decrement",
    "Running...": "streamlit.running",
    "Stop script": "streamlit.stop_script",
    "Main menu": "streamlit.main_menu",
    "Dataframe column menu": "streamlit.column_menu",
}
# Words Streamlit writes around a value: `Remove 旅行`. ITEM stands for the value.
STREAMLIT_PATTERNS = {"Remove ITEM": "streamlit.remove"}

# Installed once per page; each run hands it the texts of the current language. Text nodes and
# the attributes a person reads or hears (tips, placeholders, accessible names) are rewritten as
# Streamlit draws them. Heading anchors appear only on hover: a keyboard skips them.
_SCRIPT = """
(function () {
  window.__zsTexts = TEXTS;
  window.__zsPatterns = PATTERNS;
  const attrs = ["aria-label", "placeholder", "title"];
  function translate(value) {
    if (!value) return null;
    if (window.__zsTexts[value]) return window.__zsTexts[value];
    for (const [english, wanted] of Object.entries(window.__zsPatterns)) {
      const [before, after] = english.split("ITEM");
      if (value.length > before.length + after.length && value.startsWith(before)
          && value.endsWith(after)) {
        return wanted.replace("ITEM", value.slice(before.length, value.length - after.length));
      }
    }
    return null;
  }
  function fixText(node) {
    const wanted = window.__zsTexts[node.nodeValue.trim()];
    if (wanted) node.nodeValue = wanted;
  }
  function fixElement(el) {
    for (const name of attrs) {
      const wanted = translate(el.getAttribute(name));
      if (wanted) el.setAttribute(name, wanted);
    }
    if (el.matches('[data-testid="stHeaderActionElements"] a')) el.tabIndex = -1;
  }
  function fix(root) {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    root.querySelectorAll("*").forEach(fixElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) fixText(node);
  }
  fix(document.body);
  // The page's language, so the browser breaks Japanese lines between phrases (auto-phrase).
  document.documentElement.lang = LANG;
  if (window.__zsObserver) return;
  // On a phone the sidebar lies over the page: choosing a page closes it.
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stSidebarNavLink"]')) return;
    if (window.innerWidth >= PHONE_MAX_PX) return;
    const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (close) setTimeout(() => close.click(), 0);
  }, true);
  window.__zsObserver = new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "childList") change.addedNodes.forEach(fix);
      else if (change.type === "characterData") fixText(change.target);
      else fixElement(change.target);
    }
  });
  window.__zsObserver.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: attrs,
  });
})();
"""


def streamlit_texts() -> dict[str, str]:
    """Streamlit's English words → the UI language's (those that differ)."""
    return {english: t(key) for english, key in STREAMLIT_TEXTS.items() if t(key) != english}


def streamlit_patterns() -> dict[str, str]:
    """Streamlit's English phrases around a value (ITEM) → the UI language's."""
    return {english: t(key) for english, key in STREAMLIT_PATTERNS.items() if t(key) != english}


def apply_style() -> None:
    rules = ", ".join(HIDDEN_STREAMLIT_HINTS) + " { display: none !important; }"
    # Our own text only (no user input): JSON quoting makes it a valid CSS string.
    upload = json.dumps(t("upload.button"), ensure_ascii=False)
    rules += (
        f" {UPLOAD_BUTTON} p {{ display: none !important; }}"
        f" {UPLOAD_BUTTON}::after {{ content: {upload}; }}"
    )
    st.html(f"<style>{rules} {HEADING_RULES}</style>")
    # Our own texts only, JSON-quoted into the script.
    texts = json.dumps(streamlit_texts(), ensure_ascii=False)
    patterns = json.dumps(streamlit_patterns(), ensure_ascii=False)
    script = (
        _SCRIPT.replace("TEXTS", texts, 1)
        .replace("PATTERNS", patterns, 1)
        .replace("LANG", json.dumps(lang()), 1)
        .replace("PHONE_MAX_PX", str(PHONE_MAX_PX), 1)
    )
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
