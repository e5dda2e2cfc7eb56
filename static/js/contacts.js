// Contacts on the phone: the contact form keeps a contact in the outbox (as notes do, with the
// UUID the page made) and sends it when it can; the server stores it once by that UUID. Without
// this script the form is posted as it is.

import { refocus, sendWaitingNotes, stillWaiting, whenAnswered } from "./notes.js";
import { t, userId } from "./page-data.js";

const outbox = self.fieldappOutbox;
const CLIENT_PLACEHOLDER = "999999999"; // the client id in the home form's address templates

function addressOf(form, name) {
  const fixed = form.dataset[name];
  if (fixed) return fixed;
  const template = form.dataset[`${name}Template`];
  const client = form.elements.client ? form.elements.client.value : "";
  return template && client ? template.replace(CLIENT_PLACEHOLDER, client) : null;
}

function checked(form, name) {
  const chosen = form.querySelector(`input[name=${name}]:checked`);
  return chosen ? chosen.value : "";
}

function happenedAt(form) {
  const value = form.elements.happened_at ? form.elements.happened_at.value : "";
  const moment = value ? new Date(value) : new Date();
  return Number.isNaN(moment.getTime()) ? value : moment.toISOString();
}

function say(form, message) {
  const feedback = form.querySelector("[data-contact-feedback]");
  feedback.textContent = message;
  feedback.hidden = false;
}

// The page's list of contacts, drawn again by the server once it stored one sent from this page.
async function showLatest() {
  const list = document.querySelector("[data-contact-list]");
  if (!list) return;
  const response = await fetch(list.dataset.contactList, { cache: "no-store" });
  if (!response.ok) return;
  const drawn = new DOMParser().parseFromString(await response.text(), "text/html");
  list.replaceChildren(...drawn.body.childNodes);
}

async function keepContact(form, syncUrl) {
  const kind = form.querySelector("input[name=kind]:checked");
  const payload = {
    uuid: form.elements.uuid.value,
    kind: kind ? kind.value : "",
    reached: checked(form, "reached") !== "no",
    note: form.elements.note.value,
    happened_at: happenedAt(form),
  };
  const label = kind ? kind.closest("label").textContent.trim() : "";
  await outbox.add({
    revision_uuid: payload.uuid,
    payload,
    body: payload.note ? `${label}: ${payload.note}` : label,
    written_at: payload.happened_at,
    open_url: addressOf(form, "openUrl"),
    sync_url: syncUrl,
    user_id: userId,
    queued_at: Date.now(),
  });
  // The next contact gets an identity of its own; this one is now on the phone.
  form.elements.uuid.value = self.crypto.randomUUID();
  form.elements.note.value = "";
  if (form.elements.happened_at) form.elements.happened_at.value = "";
  // Online, "kept on this phone" would read as "no network" for the moment the server takes.
  say(form, navigator.onLine ? t("saving_contact") : t("contact_kept"));
  whenAnswered(payload.uuid, {
    sent: () => {
      say(form, t("contact_sent"));
      showLatest().catch((error) => console.warn("contacts not shown again:", error));
    },
    refused: (reason) => say(form, t("refused", { reason })),
    waiting: () => say(form, t("contact_kept")),
  });
  return payload.uuid;
}

function enhance(form) {
  const save = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    const syncUrl = addressOf(form, "syncUrl");
    if (!syncUrl) return; // no client chosen: the server says so
    event.preventDefault();
    if (form.dataset.saving) return; // a second tap while the first is being kept
    form.dataset.saving = "true";
    save.disabled = true;
    let kept;
    try {
      kept = await keepContact(form, syncUrl);
    } finally {
      delete form.dataset.saving;
      save.disabled = false;
      refocus(save);
    }
    await sendWaitingNotes();
    await stillWaiting(kept);
  });
  // The UUID is made when the form opens: a copy of the page kept on the phone holds the same one
  // each time it is opened.
  form.elements.uuid.value = self.crypto.randomUUID();
  form.dataset.enhanced = "true";
}

export function startContacts() {
  if (!outbox || !userId || !self.crypto?.randomUUID) return;
  document.querySelectorAll("[data-contact-form]").forEach(enhance);
}
