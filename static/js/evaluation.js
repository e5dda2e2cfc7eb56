// Autosave for the evaluation page: the form is read into the JSON the server checks
// (fieldapp/evaluations/forms.py) and posted a moment after each change, and at once when the page
// is hidden, so that a closed page or a dead battery loses nothing. The form works without it:
// "Save draft" and "Close the record" post it as a plain form.

function asJSON(form) {
  const data = new FormData(form);
  const scores = {};
  for (const [name, value] of data) {
    if (name.startsWith("score_")) scores[name.slice(6)] = value ? Number(value) : null;
  }
  const participants = data.getAll("participant").map((value) => {
    const at = value.indexOf("|");
    return { kind: value.slice(0, at), name: value.slice(at + 1) };
  });
  for (const line of (data.get("others") || "").split("\n")) {
    if (line.trim()) participants.push({ kind: "other", name: line.trim() });
  }
  const competences = data.getAll("growth_competence");
  const growthPoints = data
    .getAll("growth_text")
    .map((text, index) => ({ text, competence: competences[index] || null }))
    .filter((point) => point.text.trim());
  const recordId = Number(data.get("record_id")) || null;
  return {
    record_id: recordId,
    held_on: data.get("held_on") || null,
    participants,
    scores,
    strengths: data.get("strengths") || "",
    growth_points: growthPoints,
    agreements: data.get("agreements") || "",
    decision: data.get("decision") || "",
    next_on: data.get("next_on") || null,
  };
}

// Started by app.js on every page; does nothing where there is no evaluation form.
export function startEvaluationAutosave() {
  const form = document.querySelector("form[data-evaluation-form]");
  if (!form || !window.fetch) return;
  const url = form.dataset.autosaveUrl;
  const status = form.querySelector("[data-autosave-status]");
  const recordId = form.querySelector("[data-record-id]");
  const token = form.querySelector("input[name=csrf_token]")?.value || "";
  let timer = null;
  let unsaved = false;
  const say = (state, message) => {
    form.dataset.autosave = state;
    if (status) status.textContent = message || "";
  };
  const save = async () => {
    clearTimeout(timer);
    unsaved = false;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(asJSON(form)),
      });
      const answer = await response.json();
      if (response.ok) {
        recordId.value = answer.record_id;
        say("saved", status?.dataset.saved);
      } else {
        say("refused", answer.message);
      }
    } catch {
      say("failed", status?.dataset.failed); // offline: the next change tries again
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    unsaved = true;
    form.dataset.autosave = "pending";
    timer = setTimeout(save, 800);
  };
  form.addEventListener("change", saveSoon);
  form.addEventListener("input", saveSoon);
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    unsaved = false;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && unsaved) save();
  });
}
