// Autosave for the feedback form at a rater's link: what is chosen is saved on the server a moment
// later, so a closed page or a dead battery loses nothing. The form works the same without it.
(() => {
  const form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  let timer = null;
  const save = async () => {
    const data = new FormData(form);
    data.set("action", "save");
    try {
      const response = await fetch(form.action, { method: "POST", body: data });
      form.dataset.autosave = response.ok ? "saved" : "failed";
    } catch (error) {
      form.dataset.autosave = "failed"; // offline: the next change tries again
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    form.dataset.autosave = "pending";
    timer = setTimeout(save, 800);
  };
  form.addEventListener("change", saveSoon);
  form.addEventListener("input", saveSoon);
  form.addEventListener("submit", () => clearTimeout(timer));
})();
