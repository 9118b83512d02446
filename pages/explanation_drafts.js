// Keeps an explanation being typed in the browser until Streamlit has it. Streamlit sends a text
// area's value only when the box loses the focus (or on Ctrl+Enter), so a refresh while typing
// would lose the text. Every keystroke is kept in localStorage with the value the box had when
// the typing started; after a page load, text the server never got is put back and sent.
(() => {
  const PREFIX = "flames-explanation:";
  const CLASS = "st-key-explanation-";
  const tokenOf = (element) => {
    const box = element.tagName === "TEXTAREA" && element.closest(`[class*='${CLASS}']`);
    const name = box && [...box.classList].find((c) => c.startsWith(CLASS));
    return name ? name.slice(CLASS.length) : null;
  };
  if (!window.__flamesExplanationDrafts) {
    window.__flamesExplanationDrafts = true;
    document.addEventListener("focusin", (event) => {
      if (tokenOf(event.target)) event.target.dataset.flamesBase = event.target.value;
    });
    document.addEventListener("input", (event) => {
      const token = tokenOf(event.target);
      if (!token || event.target.dataset.flamesRestoring) return;
      const draft = { base: event.target.dataset.flamesBase ?? "", text: event.target.value, at: Date.now() };
      if (draft.text === draft.base) localStorage.removeItem(PREFIX + token); // nothing to keep
      else localStorage.setItem(PREFIX + token, JSON.stringify(draft));
    });
  }
  if (window.__flamesExplanationDraftsRestoring) return;
  window.__flamesExplanationDraftsRestoring = true;
  // Only drafts kept before this page load are put back: one typed since is still in its box.
  // Each is retried until the page shows it saved, since a rerun drawing at the moment it is put
  // back resets the box.
  const pending = new Set(Object.keys(localStorage).filter((key) => key.startsWith(PREFIX)));
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  const WEEK = 7 * 24 * 3600 * 1000;
  const stopAt = Date.now() + 10 * 60 * 1000; // drafts of boxes not shown wait for a later load
  const typing = () => ["INPUT", "TEXTAREA"].includes(document.activeElement?.tagName);
  const restore = () => {
    for (const area of document.querySelectorAll(`[class*='${CLASS}'] textarea`)) {
      const key = PREFIX + tokenOf(area);
      const draft = pending.has(key) && JSON.parse(localStorage.getItem(key) || "null");
      if (!draft || typing()) continue; // never take the focus from a box someone is typing in
      const fresh = draft.text !== draft.base && Date.now() - (draft.at ?? 0) < WEEK;
      if (fresh && area.value === draft.base && !area.disabled) {
        area.dataset.flamesRestoring = "1";
        setValue.call(area, draft.text);
        area.dispatchEvent(new Event("input", { bubbles: true }));
        area.focus();
        area.blur(); // Streamlit sends the value when the box loses the focus
        delete area.dataset.flamesRestoring;
        continue;
      }
      // Saved, newer text saved meanwhile (another tab), the prompt submitted, or stale: done with it.
      pending.delete(key);
      localStorage.removeItem(key);
    }
    if (pending.size && Date.now() < stopAt) setTimeout(restore, 250);
  };
  restore();
})();
