// An unplanned visit on the phone: the note form of the kept "Unplanned visit" page keeps the note
// in the outbox with three UUIDs made here (the visit's, the note's, the revision's), so that the
// server makes the visit once and stores the note once however often it is sent. Without this
// script the form is posted as it is (online only).

import { keepDraft, refocus, sendWaitingNotes, stillWaiting, whenAnswered } from "./notes.js";
import { t, userId } from "./page-data.js";

const outbox = self.fieldappOutbox;
const CLIENT_PLACEHOLDER = "999999999"; // the client id in the form's address templates

function address(form, name, client) {
  return form.dataset[`${name}Template`].replace(CLIENT_PLACEHOLDER, client);
}

// A fresh identity when the form opens and after each note: a copy of the page kept on the phone
// holds the same UUIDs each time it is opened, and two taps on Save must keep one note.
function freshIdentity(form) {
  for (const name of ["visit_uuid", "note_uuid", "revision_uuid"]) {
    form.elements[name].value = self.crypto.randomUUID();
  }
}

// What is being typed is kept as a draft on the phone (a closed tab or an empty battery loses
// nothing), as on a visit's note form; signing out wipes it with the rest.
function draftKey() {
  return `${userId}/unplanned`;
}

function readDraft(form) {
  const observations = {};
  for (const select of form.querySelectorAll(".observations select")) {
    if (select.value) observations[select.name] = select.value;
  }
  return { client: form.elements.client.value, body: form.elements.body.value, observations };
}

async function saveDraft(form) {
  const draft = readDraft(form);
  if (draft.body.trim()) {
    await outbox.drafts.put({ key: draftKey(), ...draft });
    form.dataset.draft = "kept";
  } else {
    await outbox.drafts.remove(draftKey());
    delete form.dataset.draft;
  }
}

async function restoreDraft(form) {
  const draft = await outbox.drafts.get(draftKey());
  if (!draft) return;
  form.elements.client.value = draft.client;
  form.elements.body.value = draft.body;
  for (const select of form.querySelectorAll(".observations select")) {
    select.value = draft.observations[select.name] ?? "";
  }
  say(form, t("draft_restored"));
}

function say(form, message) {
  const feedback = form.querySelector("[data-unplanned-feedback]");
  feedback.textContent = message;
  feedback.hidden = false;
}

async function keepNote(form, client) {
  const observations = {};
  for (const select of form.querySelectorAll(".observations select")) {
    if (select.value) observations[select.name] = Number(select.value);
  }
  const payload = {
    visit_uuid: form.elements.visit_uuid.value,
    note_uuid: form.elements.note_uuid.value,
    revision_uuid: form.elements.revision_uuid.value,
    body: form.elements.body.value,
    observations,
    written_at: new Date().toISOString(),
  };
  const name = form.elements.client.selectedOptions[0].textContent.trim();
  await outbox.add({
    revision_uuid: payload.revision_uuid,
    payload,
    body: `${name}: ${payload.body}`,
    written_at: payload.written_at,
    open_url: address(form, "openUrl", client),
    open_label: "open_client",
    sync_url: address(form, "syncUrl", client),
    user_id: userId,
    queued_at: Date.now(),
  });
  freshIdentity(form);
  form.elements.body.value = "";
  for (const select of form.querySelectorAll(".observations select")) select.value = "";
  await outbox.drafts.remove(draftKey());
  // Online, "kept on this phone" would read as "no network" for the moment the server takes.
  say(form, navigator.onLine ? t("saving_note") : t("saved_on_device"));
  whenAnswered(payload.revision_uuid, {
    sent: () => say(form, t("note_sent")),
    refused: (reason) => say(form, t("refused", { reason })),
    waiting: () => say(form, t("saved_on_device")),
  });
  return payload.revision_uuid;
}

async function enhance(form) {
  const save = form.querySelector("button[type=submit]");
  const dropPendingDraft = keepDraft(form, saveDraft);
  form.addEventListener("submit", async (event) => {
    const client = form.elements.client.value;
    if (!client || !form.elements.body.value.trim()) return; // the server says what is missing
    event.preventDefault();
    if (form.dataset.saving) return; // a second tap while the first is being kept
    form.dataset.saving = "true";
    save.disabled = true;
    dropPendingDraft();
    let kept;
    try {
      kept = await keepNote(form, client);
    } finally {
      delete form.dataset.saving;
      save.disabled = false;
      refocus(save);
    }
    await sendWaitingNotes();
    await stillWaiting(kept);
  });
  freshIdentity(form);
  await restoreDraft(form);
  form.dataset.enhanced = "true";
}

export function startUnplannedVisits() {
  if (!outbox || !userId || !self.crypto?.randomUUID) return;
  for (const form of document.querySelectorAll("[data-unplanned-form]")) {
    enhance(form).catch((error) => console.error("unplanned visit:", error));
  }
}
