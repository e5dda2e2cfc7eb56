// Autosave for the feedback form at a rater's link: what is chosen is saved on the server a moment
// later, and at once when the page is hidden or closed, so a closed page or a dead battery loses
// nothing. The form works the same without it.
(() => {
  const form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  // Not form.action: a control named "action" (the submit buttons) shadows that property.
  const url = form.getAttribute("action");
  let timer = null;
  let unsaved = false;
  const draft = () => {
    const data = new FormData(form);
    data.set("action", "save");
    return data;
  };
  const save = async () => {
    clearTimeout(timer);
    unsaved = false;
    try {
      const response = await fetch(url, { method: "POST", body: draft(), credentials: "same-origin" });
      form.dataset.autosave = response.ok ? "saved" : "failed";
    } catch {
      form.dataset.autosave = "failed"; // offline: the next change tries again
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    unsaved = true;
    form.dataset.autosave = "pending";
    timer = setTimeout(save, 800);
  };
  const saveNow = () => {
    if (!unsaved) return;
    clearTimeout(timer);
    unsaved = false;
    // A beacon still goes out while the page is being closed; fetch may not.
    if (!navigator.sendBeacon?.(url, draft())) save();
  };
  form.addEventListener("change", saveSoon);
  form.addEventListener("input", saveSoon);
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    unsaved = false;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveNow();
  });
  window.addEventListener("pagehide", saveNow);
})();
