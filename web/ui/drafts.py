"""Text typed but not yet sent survives a reload: each field's draft is kept in the tab.

Streamlit sends a text box's value to the server only on submit, Enter or leaving the box, so a
reload (or a dropped connection) right after typing would lose it: the workspace never saw it.
This script keeps every text field's draft in the tab's sessionStorage, under the workspace, the
page and the field's label, beside the value the server had drawn. A draft is dropped once it is
sent (a form's button or Enter; leaving a box outside a form). When the field is drawn again (a
reload, the page opened again) the draft is put back only while the server still draws the
value it was typed over: a text changed since elsewhere (an example sent to Classify, another
window) wins over an old draft.
"""

from __future__ import annotations

import streamlit as st

_SCRIPT = """
<script>
(() => {
  if (window.__zeroshotDrafts) return;
  window.__zeroshotDrafts = true;
  const FIELDS = 'textarea, input[type="text"]';
  const keyOf = (el) => {
    const workspace = new URLSearchParams(location.search).get('w');
    const label = el.getAttribute('aria-label');
    if (!workspace || !label) return null;
    const same = [...document.querySelectorAll(FIELDS)]
      .filter((f) => f.getAttribute('aria-label') === label);
    return `zeroshot-draft:${workspace}:${location.pathname}:${label}:${same.indexOf(el)}`;
  };
  const setValue = (el, value) => {
    const proto = el instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', {bubbles: true}));
  };
  const sent = (el) => {
    el.__draftBase = el.value;
    const key = keyOf(el);
    if (key) sessionStorage.removeItem(key);
  };
  const sendForm = (form) => form && form.querySelectorAll(FIELDS).forEach(sent);
  // What sends a value: leaving a box outside a form; a form's button, Enter in its one-line
  // boxes, Ctrl/Cmd+Enter in its text areas.
  document.addEventListener('focusout', (event) => {
    const el = event.target;
    if (el.matches && el.matches(FIELDS) && !el.closest('[data-testid="stForm"]')) sent(el);
  });
  document.addEventListener('click', (event) => {
    const submit = '[data-testid="stFormSubmitButton"] button';
    const button = event.target.closest && event.target.closest(submit);
    if (button) sendForm(button.closest('[data-testid="stForm"]'));
  }, true);
  document.addEventListener('keydown', (event) => {
    const el = event.target;
    if (event.key !== 'Enter' || !(el.matches && el.matches(FIELDS))) return;
    if (el instanceof HTMLTextAreaElement && !(event.ctrlKey || event.metaKey)) return;
    sendForm(el.closest('[data-testid="stForm"]'));
  }, true);
  // The value typing starts from (the server's), unless a draft of this box is still unsent.
  const start = (event) => {
    const el = event.target;
    if (!(el.matches && el.matches(FIELDS))) return;
    const key = keyOf(el);
    if (key && !sessionStorage.getItem(key)) el.__draftBase = el.value;
  };
  document.addEventListener('focusin', start);
  document.addEventListener('beforeinput', start);
  document.addEventListener('input', (event) => {
    const el = event.target;
    if (!(el.matches && el.matches(FIELDS))) return;
    const key = keyOf(el);
    if (!key) return;
    sessionStorage.setItem(key, JSON.stringify({base: el.__draftBase, value: el.value}));
  });
  // A box is first drawn empty and given the server's value a moment later (a property, no DOM
  // change): a draft waits up to RESTORE_MS for the value it was typed over, then is dropped.
  // An empty draft (a box cleared) cannot be told from that first empty draw: it waits too.
  const RESTORE_MS = 3000;
  const settle = (el, key, draft, since) => {
    if (el.value === draft.base && draft.value !== el.value) {
      el.__draftBase = draft.base;
      setValue(el, draft.value);
    } else if ((el.value === draft.value && draft.value !== '')
               || performance.now() - since > RESTORE_MS) {
      sessionStorage.removeItem(key);
    } else {
      setTimeout(() => settle(el, key, draft, since), 50);
    }
  };
  const restore = (el) => {
    if (el.__draftSeen) return;
    el.__draftSeen = true;
    const key = keyOf(el);
    const stored = key && sessionStorage.getItem(key);
    if (!stored) return;
    let draft;
    try { draft = JSON.parse(stored); } catch (e) { draft = null; }
    if (draft) settle(el, key, draft, performance.now());
    else sessionStorage.removeItem(key);
  };
  const scan = () => document.querySelectorAll(FIELDS).forEach(restore);
  new MutationObserver(scan).observe(document.body, {childList: true, subtree: true});
  scan();
})();
</script>
"""


def keep_drafts() -> None:
    """Install the draft keeper in the page (once per browser tab; later runs reuse it)."""
    st.html(_SCRIPT, unsafe_allow_javascript=True)
