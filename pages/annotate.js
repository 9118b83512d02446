// The scoring page in the browser: keys, scores, focus, explanations and evidence are handled here
// at once, and the server is sent the person's current edits as component state. Every edit has a
// sequence number; the server applies each one once, in order, and answers with what the database
// holds and which edits it applied or refused, so reruns that coalesce never drop a keystroke.
// Model output is only ever inserted as text (textContent), never as HTML.
const S = (window.__flamesScoring ??= { edits: {}, focus: {}, seq: Date.now(), prompt: null });
const DRAFTS = "flames-explanation:"; // app.py drops these on logout
const DIGIT = /^[0-9]$/;

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  S.send = () => setStateValue("work", { prompt: S.data.prompt, edits: S.edits[S.data.prompt] ?? {} });
  S.act = (kind) => setTriggerValue("action", { kind, seq: ++S.seq });
  const root = parentElement.querySelector(".fl-root");
  const fresh = S.root !== root || S.prompt !== data.prompt || S.signature !== signature(data);
  S.root = root;
  S.data = data;
  S.signature = signature(data);
  if (fresh) build(root, data);
  if (S.prompt !== data.prompt) openPrompt(data);
  S.prompt = data.prompt;
  if (S.submitting && (data.notice_seq ?? 0) >= S.submitting) S.submitting = 0;
  restoreDrafts(data);
  update();
  if (!window.__flamesScoringKeys) {
    window.__flamesScoringKeys = true;
    document.addEventListener("keydown", (event) => S.onKey?.(event), true);
  }
  S.onKey = onKey;
}

// What the cards and the panel are built from: a new prompt, a response added, another language.
const signature = (data) =>
  JSON.stringify([data.prompt, data.text, data.levels, data.dimension, data.items.map((i) => [i.id, i.meta])]);
const local = (id) => ((S.edits[S.data.prompt] ??= {})[id] ??= {});
const item = (id) => S.data.items.find((i) => i.id === id);
const cards = () => [...S.root.querySelectorAll(".fl-card")];
const card = (id) => S.root.querySelector(`.fl-card[data-id="${id}"]`);

function edit(id, field, value) {
  local(id)[field] = [value, ++S.seq];
  S.send();
}

// What a field shows: the person's edit while the server has not answered it, else the database's.
function field(id, name) {
  const mine = local(id)[name];
  const applied = S.data.applied?.[id]?.[name] ?? 0;
  const refused = S.data.refused?.[id]?.[name];
  const saved = item(id)[name];
  if (mine && mine[1] > applied) return { value: mine[1] === refused?.[0] ? saved : mine[0], pending: true };
  if (refused && mine && refused[0] === mine[1]) return { value: saved, refused: refused[1] };
  return { value: saved, pending: false };
}

function scoreOf(id) {
  const shown = field(id, "score");
  const prefilled = !local(id).score && item(id).prefilled;
  return { ...shown, prefilled };
}

const unscored = (id) => {
  const s = scoreOf(id);
  return s.value === null || s.value === undefined || s.prefilled;
};

function openPrompt(data) {
  const ids = data.items.map((i) => i.id);
  S.focus[data.prompt] = ids.find(unscored) ?? ids[0];
  S.submitting = 0;
  // A new prompt opens at its top: the prompt and its first responses in view.
  requestAnimationFrame(() => {
    for (const element of scrollers()) element.scrollTop = 0;
    window.scrollTo(0, 0);
  });
}

function scrollers() {
  const found = [];
  for (let node = S.root; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) found.push(node);
  }
  return found;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function build(root, data) {
  const T = data.text;
  const panel = root.querySelector(".fl-panel");
  panel.replaceChildren();
  panel.append(el("div", "fl-progress", data.progress), el("h2", "fl-dim", data.dimension));
  const prompt = el("div", "fl-prompt", data.prompt_text); // untrusted: text only
  const more = el("button", "fl-link fl-more", T.more);
  more.onclick = () => {
    prompt.classList.toggle("fl-open");
    more.textContent = prompt.classList.contains("fl-open") ? T.less : T.more;
  };
  panel.append(prompt, more);
  requestAnimationFrame(() => (more.hidden = prompt.scrollHeight <= prompt.clientHeight)); // all shown
  const levels = el("div", "fl-levels");
  for (const level of data.levels) {
    const row = el("div", "fl-level");
    row.append(el("kbd", "", String(level.score)), el("span", "", level.text));
    levels.append(row);
  }
  panel.append(levels, el("div", "fl-keys", T.keys));
  const submit = el("button", "fl-submit", T.submit);
  submit.onclick = () => submitPrompt();
  panel.append(el("div", "fl-missing"), submit, el("div", "fl-notice"));
  const list = root.querySelector(".fl-cards");
  list.replaceChildren();
  for (const entry of data.items) list.append(buildCard(entry, data));
}

function buildCard(entry, data) {
  const T = data.text;
  const node = el("section", "fl-card");
  node.dataset.id = entry.id;
  const head = el("div", "fl-head");
  head.append(el("span", "fl-title", T.response.replace("{letter}", entry.letter)));
  const scores = el("span", "fl-scores");
  for (const level of data.levels) {
    const button = el("button", "fl-score", String(level.score));
    button.dataset.score = level.score;
    button.title = level.text;
    button.onclick = (event) => {
      event.stopPropagation();
      setFocus(entry.id, false);
      scoreFocused(level.score, false);
    };
    scores.append(button);
  }
  head.append(scores, el("span", "fl-state"));
  node.append(head);
  if (entry.meta) node.append(el("div", "fl-meta", entry.meta));
  node.append(el("div", "fl-body"));
  const tools = el("div", "fl-tools");
  const explain = el("button", "fl-link fl-explain-open", T.explain);
  explain.onclick = () => openExplanation(entry.id, true);
  const mark = el("button", "fl-link fl-mark", T.mark);
  mark.onmousedown = (event) => event.preventDefault(); // keep the selection
  mark.onclick = () => markSelection(entry.id);
  tools.append(explain, mark, el("span", "fl-preview"));
  node.append(tools);
  const box = el("div", "fl-explain");
  box.hidden = true;
  const area = el("textarea", "fl-textarea");
  area.rows = 3;
  area.dataset.id = entry.id;
  area.addEventListener("focus", () => setFocus(entry.id, false));
  area.addEventListener("input", () => typed(entry.id, area));
  area.addEventListener("blur", () => flushExplanation(entry.id));
  box.append(el("div", "fl-why"), area);
  node.append(box, el("div", "fl-note"));
  node.addEventListener("mousedown", () => setFocus(entry.id, false));
  return node;
}

// The response text, with the marked words highlighted; a click on a mark removes it.
function drawBody(id, marks) {
  const body = card(id).querySelector(".fl-body");
  const key = JSON.stringify(marks);
  if (body.dataset.marks === key) return;
  body.dataset.marks = key;
  const chars = Array.from(item(id).text); // offsets count characters, as the server does
  const nodes = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start > at) nodes.push(document.createTextNode(chars.slice(at, start).join("")));
    const mark = el("mark", "fl-evidence", chars.slice(start, end).join(""));
    mark.title = S.data.text.unmark;
    mark.onclick = (event) => {
      event.stopPropagation();
      const kept = currentMarks(id).filter(([s, e]) => s !== start || e !== end);
      edit(id, "evidence", kept);
      update();
    };
    nodes.push(mark);
    at = end;
  }
  if (at < chars.length) nodes.push(document.createTextNode(chars.slice(at).join("")));
  body.replaceChildren(...nodes);
}

const currentMarks = (id) => field(id, "evidence").value ?? [];

function markSelection(id) {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed) return false;
  const range = selection.getRangeAt(0);
  const startNode = range.startContainer;
  const holder = (startNode.nodeType === Node.ELEMENT_NODE ? startNode : startNode.parentElement)?.closest(".fl-card");
  const target = id ?? holder?.dataset.id ?? S.focus[S.data.prompt]; // the response the words are in
  const body = card(target)?.querySelector(".fl-body");
  if (!body || !body.contains(range.startContainer) || !body.contains(range.endContainer)) {
    note(target, S.data.text.select_first);
    return false;
  }
  const offset = (container, position) => {
    const before = document.createRange();
    before.setStart(body, 0);
    before.setEnd(container, position);
    return Array.from(before.toString()).length;
  };
  const start = offset(range.startContainer, range.startOffset);
  const end = offset(range.endContainer, range.endOffset);
  selection.removeAllRanges();
  if (end <= start) return false;
  setFocus(target, false);
  edit(target, "evidence", mergeMarks([...currentMarks(target), [start, end]]));
  update();
  return true;
}

function mergeMarks(spans) {
  const merged = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function note(id, message) {
  const target = card(id)?.querySelector(".fl-note");
  if (!target) return;
  target.textContent = message;
  target.dataset.local = "1";
  setTimeout(() => {
    if (target.dataset.local) {
      delete target.dataset.local;
      update();
    }
  }, 4000);
}

function typed(id, area) {
  const draft = { base: area.dataset.base ?? "", text: area.value, at: Date.now() };
  if (draft.text === draft.base) localStorage.removeItem(DRAFTS + id);
  else localStorage.setItem(DRAFTS + id, JSON.stringify(draft));
  clearTimeout(area.timer);
  area.timer = setTimeout(() => flushExplanation(id), 1500);
}

function flushExplanation(id) {
  const area = card(id)?.querySelector("textarea");
  if (!area) return;
  clearTimeout(area.timer);
  if (area.value !== field(id, "explanation").value) {
    edit(id, "explanation", area.value);
    update();
  }
}

// Explanations typed before a page load that the server never got are put back and sent; a draft
// whose box changed meanwhile (saved in another tab) is dropped, never written over the newer text.
function restoreDrafts(data) {
  for (const entry of data.items) {
    const key = DRAFTS + entry.id;
    const draft = JSON.parse(localStorage.getItem(key) || "null");
    if (!draft) continue;
    const mine = local(entry.id).explanation;
    if (mine && mine[1] > (data.applied?.[entry.id]?.explanation ?? 0)) continue; // on its way
    if (mine && mine[0] === entry.explanation) {
      localStorage.removeItem(key); // saved
      continue;
    }
    const week = 7 * 24 * 3600 * 1000;
    if (!mine && draft.base === entry.explanation && draft.text !== draft.base && Date.now() - draft.at < week
        && !data.submitted) {
      edit(entry.id, "explanation", draft.text);
      continue;
    }
    localStorage.removeItem(key);
  }
}

function openExplanation(id, focusBox) {
  const box = card(id).querySelector(".fl-explain");
  box.hidden = false;
  card(id).classList.add("fl-explaining");
  if (focusBox) box.querySelector("textarea").focus();
}

function setFocus(id, follow) {
  S.focus[S.data.prompt] = id;
  for (const node of cards()) {
    const focused = node.dataset.id === id;
    node.classList.toggle("fl-focused", focused);
    const title = node.querySelector(".fl-title");
    const name = S.data.text.response.replace("{letter}", item(node.dataset.id).letter);
    title.textContent = (focused ? "▶ " : "") + name;
  }
  if (follow) card(id)?.scrollIntoView({ block: "nearest" });
}

function move(step) {
  const ids = S.data.items.map((i) => i.id);
  const index = ids.indexOf(S.focus[S.data.prompt]);
  setFocus(ids[(index + step + ids.length) % ids.length], true);
}

function scoreFocused(score, follow) {
  const id = S.focus[S.data.prompt];
  if (!id || S.data.submitted || S.submitting) return;
  edit(id, "score", score);
  const ids = S.data.items.map((i) => i.id);
  const index = ids.indexOf(id);
  const next = [...ids.slice(index + 1), ...ids.slice(0, index)].find(unscored);
  update();
  const needs = S.data.explanation_below !== null && score < S.data.explanation_below;
  if (needs && !field(id, "explanation").value) return; // the box opened by itself: write first
  if (next) setFocus(next, follow);
}

function submitPrompt() {
  if (S.data.submitted || S.submitting) return;
  for (const entry of S.data.items) flushExplanation(entry.id);
  S.submitting = S.seq + 1;
  S.act("submit");
  update();
}

function onKey(event) {
  if (!S.root?.isConnected || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.composedPath()[0];
  // Keys belong to a box being typed in; a radio button or a checkbox keeps them for the page.
  const textInput = target?.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(target.type);
  const typing = target?.tagName === "TEXTAREA" || target?.tagName === "SELECT" || textInput || target?.isContentEditable;
  if (typing) {
    if (event.key === "Escape" && target.classList.contains("fl-textarea")) target.blur();
    return;
  }
  const key = event.key;
  const levels = S.data.levels.map((l) => String(l.score));
  let handled = true;
  if (DIGIT.test(key) && levels.includes(key)) scoreFocused(Number(key), true);
  else if (key === "j" || key === "J" || key === "ArrowDown") move(1);
  else if (key === "k" || key === "K" || key === "ArrowUp") move(-1);
  else if (key === "e" || key === "E") openExplanation(S.focus[S.data.prompt], true);
  else if (key === "m" || key === "M") markSelection(null);
  else if (key === "Enter" && target?.tagName !== "BUTTON") submitPrompt();
  else handled = false;
  if (handled) {
    event.preventDefault();
    event.stopPropagation();
  }
}

// Draws what changed: the scores (saved, waiting for the server, refused), marks, explanations.
function update() {
  const data = S.data;
  const T = data.text;
  let missing = [];
  for (const entry of data.items) {
    const node = card(entry.id);
    const score = scoreOf(entry.id);
    node.classList.toggle("fl-pending", !!score.pending);
    node.classList.toggle("fl-prefilled", score.prefilled);
    for (const button of node.querySelectorAll(".fl-score")) {
      const chosen = score.value !== null && Number(button.dataset.score) === score.value;
      button.classList.toggle("fl-chosen", chosen && !score.pending && !score.prefilled);
      button.classList.toggle("fl-unconfirmed", chosen && (score.pending || score.prefilled));
      button.disabled = data.submitted;
    }
    const fields = ["score", "explanation", "evidence"].map((name) => field(entry.id, name));
    const pending = fields.some((f) => f.pending);
    const refused = fields.map((f) => f.refused).filter(Boolean);
    const state = node.querySelector(".fl-state");
    state.textContent = refused.length ? T.not_saved : pending ? T.saving : score.prefilled ? T.unconfirmed : "";
    state.className = "fl-state" + (refused.length ? " fl-refused" : pending ? " fl-saving" : "");
    const noteBox = node.querySelector(".fl-note");
    if (!noteBox.dataset.local) {
      const lines = refused.map((message) => T.not_saved + " " + message);
      if (score.prefilled) lines.push(entry.prefilled_note);
      noteBox.textContent = lines.join("\n");
    }
    drawBody(entry.id, currentMarks(entry.id));
    const explanation = field(entry.id, "explanation").value ?? "";
    const area = node.querySelector("textarea");
    if (document.activeElement !== area) {
      // A refused explanation stays in its box, beside the reason, to be saved again or copied.
      const draft = local(entry.id).explanation;
      const kept = draft && (draft[1] > (data.applied?.[entry.id]?.explanation ?? 0)
        || draft[1] === data.refused?.[entry.id]?.explanation?.[0]);
      const shown = kept ? draft[0] : explanation;
      if (area.value !== shown) area.value = shown;
      area.dataset.base = explanation;
    }
    area.disabled = data.submitted;
    const needsWhy = data.explanation_below !== null && score.value !== null && score.value < data.explanation_below;
    const needsMarks = data.evidence_below !== null && score.value !== null && score.value < data.evidence_below;
    const why = node.querySelector(".fl-why");
    why.textContent = needsWhy ? T.explanation_required.replace("{below}", data.explanation_below) : "";
    if (needsWhy && !explanation.trim() && !area.value.trim() && !data.submitted) openExplanation(entry.id, false);
    node.querySelector(".fl-preview").textContent =
      node.querySelector(".fl-explain").hidden && explanation ? explanation : "";
    node.querySelector(".fl-mark").textContent =
      needsMarks && !currentMarks(entry.id).length ? T.mark_required.replace("{below}", data.evidence_below) : T.mark;
    node.querySelector(".fl-mark").classList.toggle("fl-required", needsMarks && !currentMarks(entry.id).length);
    node.querySelector(".fl-mark").hidden = data.submitted;
    if (score.value === null || score.value === undefined || score.prefilled) missing.push(entry.letter);
  }
  setFocus(S.focus[data.prompt] ?? data.items[0]?.id, false);
  const panel = S.root.querySelector(".fl-panel");
  panel.querySelector(".fl-missing").textContent = missing.length
    ? T.missing.replace("{n}", missing.length).replace("{letters}", missing.join(", "))
    : "";
  const submit = panel.querySelector(".fl-submit");
  submit.disabled = data.submitted || missing.length > 0 || !!S.submitting;
  submit.textContent = S.submitting ? T.submitting : T.submit;
  panel.querySelector(".fl-notice").textContent = data.notice ?? "";
  panel.querySelector(".fl-progress").textContent = data.progress;
}
