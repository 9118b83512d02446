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
      const draft = { base: event.target.dataset.flamesBase ?? "", text: event.target.value };
      localStorage.setItem(PREFIX + token, JSON.stringify(draft));
    });
  }
  if (window.__flamesExplanationsRestored) return; // once per page load: only a reload loses text
  const restore = (tries) => {
    const areas = document.querySelectorAll(`[class*='${CLASS}'] textarea`);
    if (!areas.length) {
      if (tries > 0) setTimeout(() => restore(tries - 1), 100);
      return;
    }
    window.__flamesExplanationsRestored = true;
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    for (const area of areas) {
      const key = PREFIX + tokenOf(area);
      const draft = JSON.parse(localStorage.getItem(key) || "null");
      if (!draft) continue;
      // Put back only over the value the typing started from: anything else is newer (saved in
      // another tab, or the text itself arrived). A draft put back stays until it is seen saved.
      if (area.disabled || area.value !== draft.base || area.value === draft.text) {
        localStorage.removeItem(key);
        continue;
      }
      area.dataset.flamesRestoring = "1";
      setValue.call(area, draft.text);
      area.dispatchEvent(new Event("input", { bubbles: true }));
      area.focus();
      area.blur(); // Streamlit sends the value when the box loses the focus
      delete area.dataset.flamesRestoring;
    }
  };
  restore(100);
})();
