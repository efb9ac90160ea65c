// The plain-HTTP page: no WebSocket, only fetch() to its own JSON routes (the API's shapes).
// User text is only ever set with textContent or as an input's value: never parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

function renderDefaults(defaults) {
  const choices = $("label-choices");
  defaults.labels.forEach((label, i) => {
    const box = el("input", { type: "checkbox", id: `label-${i}`, value: label, checked: true, name: "labels" });
    choices.append(el("label", { htmlFor: `label-${i}` }, [box, document.createTextNode(label)]));
  });
  const list = $("examples");
  for (const example of defaults.examples) {
    const button = el("button", { type: "button", text: example });
    button.addEventListener("click", () => { $("text").value = example; $("text").focus(); });
    list.append(el("li", {}, [button]));
  }
}

function renderResult(result) {
  const list = $("results");
  list.replaceChildren();
  result.labels.forEach((label, i) => {
    const score = result.scores[i];
    const percent = Math.round(score * 1000) / 10;
    const fill = el("div", { className: "fill" });
    fill.style.width = `${percent}%`;
    const track = el("div", {
      className: "track", role: "meter", "aria-valuemin": "0", "aria-valuemax": "1",
      "aria-valuenow": String(score), "aria-label": label,
    }, [fill]);
    const row = el("div", { className: "row" }, [
      el("span", { className: "label", text: label }),
      track,
      el("span", { className: "score", text: score.toFixed(4) }),
    ]);
    list.append(el("li", { "data-label": label, "data-score": String(score) }, [row]));
  });
  $("meta").textContent = `${Math.round(result.elapsed_ms)} ms · ${result.model}`;
}

async function classify(event) {
  event.preventDefault();
  const body = document.body.dataset;
  const labels = [...document.querySelectorAll('input[name="labels"]:checked')].map((box) => box.value);
  // The app's one comma rule (core/labels/written.py): any of the separators the page names.
  const separators = [...body.labelSeparators];
  const custom = separators.reduce((text, mark) => text.split(mark).join(","), $("custom").value);
  for (const part of custom.split(",")) if (part.trim()) labels.push(part.trim());
  const payload = {
    text: $("text").value,
    labels,
    hypothesis_template: $("template").value,
    multi_label: $("multi").checked,
  };
  $("submit").disabled = true;
  setStatus(body.working, false);
  try {
    const response = await fetch("/lite/api/classify", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": body.lang },
      body: JSON.stringify(payload),
    });
    const data = await response.json();
    if (!response.ok) {
      $("results").replaceChildren();
      setStatus(data.error, true);
      return;
    }
    setStatus("", false);
    renderResult(data);
    // Right under the form, but on a phone still below the fold: bring it into view.
    $("results-heading").scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (error) {
    setStatus(body.networkError, true);
  } finally {
    $("submit").disabled = false;
  }
}

async function start() {
  $("classify-form").addEventListener("submit", classify);
  try {
    const response = await fetch("/lite/api/defaults");
    renderDefaults(await response.json());
  } catch (error) {
    setStatus(document.body.dataset.networkError, true);
  }
}

document.addEventListener("DOMContentLoaded", start);
