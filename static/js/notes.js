// Notes on the phone: the note form saves into the outbox (never straight to the network), keeps
// what is being typed as a draft, shows what waits and why, sends when it can, and asks before
// signing out would delete notes that were not sent.

import { formatMoment, t, urls, userId } from "./page-data.js";

const outbox = self.fieldappOutbox;
const RETRY_EVERY_MS = 30 * 1000;
const sentHere = new Map(); // notes sent while this page is open, to show them as saved
const awaited = new Map(); // revision uuid → what to tell the form once the server answered

function newUuid() {
  return self.crypto.randomUUID();
}

function mine(entry) {
  return entry.user_id === userId;
}

// Sending ------------------------------------------------------------------------------------

/**
 * Keeps what is being typed in `form` as a draft on the phone (`save(form)`): a quarter of a
 * second after the last key or choice, and when the page is hidden, so that a closed tab loses
 * nothing. Returns what drops a draft still waiting to be saved (the note itself was kept).
 */
export function keepDraft(form, save) {
  let timer = null;
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => save(form), 250);
  };
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save(form);
  });
  return () => clearTimeout(timer);
}

export async function sendWaitingNotes(options) {
  if (!userId || !outbox) return null;
  const before = new Map((await outbox.entries()).map((entry) => [entry.revision_uuid, entry]));
  const result = await outbox.flush(urls.csrf, options);
  const after = new Set((await outbox.entries()).map((entry) => entry.revision_uuid));
  for (const [revisionUuid, entry] of before) {
    if (!after.has(revisionUuid) && mine(entry)) sentHere.set(revisionUuid, entry);
  }
  await render();
  return result;
}

async function askForBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  if (registration.sync) await registration.sync.register(outbox.SYNC_TAG).catch(() => {});
}

/**
 * Tells the form that kept an entry what became of it: `sent()` once the server stored it (the
 * entry left the outbox), `refused(reason)` if the server would not take it, and `waiting()`
 * (optional, maybe more than once) while it waits on the phone: the browser is offline, or a send
 * of it failed (see `stillWaiting`). An answer that never comes leaves what the form said last.
 */
export function whenAnswered(revisionUuid, { sent, refused, waiting = () => {} }) {
  awaited.set(revisionUuid, { sent, refused, waiting });
}

function settleAwaited(entries) {
  const byUuid = new Map(entries.map((entry) => [entry.revision_uuid, entry]));
  for (const [revisionUuid, tell] of awaited) {
    const entry = byUuid.get(revisionUuid);
    if (entry && !entry.refused) {
      if (!navigator.onLine) tell.waiting();
      continue;
    }
    awaited.delete(revisionUuid);
    if (entry) tell.refused(entry.refused);
    else tell.sent();
  }
}

/**
 * After a send that started once `revisionUuid` was kept: if it is still on the phone and not
 * refused, that send failed (no connection, the server away or failing), so its form says that it
 * waits on the phone. A send that was already under way when it was kept proves nothing, hence
 * only the kept entry's own send asks.
 */
export async function stillWaiting(revisionUuid) {
  const tell = awaited.get(revisionUuid);
  if (!tell) return;
  const entry = (await outbox.entries()).find((item) => item.revision_uuid === revisionUuid);
  if (entry && !entry.refused) tell.waiting();
}

/**
 * Keeps `save` focused through the moment it is disabled (a disabled button loses the focus to
 * the page, and a keyboard or screen reader user would start again from the top).
 */
export function refocus(save) {
  if (document.activeElement === null || document.activeElement === document.body) save.focus();
}

// Showing what waits -------------------------------------------------------------------------

function stateOf(entry) {
  if (entry.refused) return t("refused", { reason: entry.refused });
  if (entry.last_error) return t("failing", { reason: entry.last_error });
  return navigator.onLine ? t("sending") : t("waiting");
}

function button(label, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "button button--small";
  element.textContent = label;
  element.addEventListener("click", action);
  return element;
}

function item(entry, { state, actions = [], link = false }) {
  const li = document.createElement("li");
  const sent = !entry.refused && state === t("sent");
  li.className = entry.refused
    ? "pending-note pending-note--refused"
    : sent
      ? "pending-note pending-note--sent"
      : "pending-note";
  li.dataset.pendingNote = entry.revision_uuid;
  const body = document.createElement("p");
  body.className = "note__body";
  body.textContent = entry.body;
  const meta = document.createElement("p");
  meta.className = "small";
  meta.dataset.noteState = entry.refused ? "refused" : sent ? "sent" : "waiting";
  const written = document.createElement("time");
  written.dateTime = entry.written_at;
  written.textContent = formatMoment(entry.written_at);
  meta.append(written, ` · ${state}`);
  li.append(body, meta);
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = entry.open_url ?? entry.visit_url;
    anchor.textContent = t(entry.open_label ?? (entry.open_url ? "open_contacts" : "open_visit"));
    li.append(anchor);
  }
  if (actions.length) {
    const row = document.createElement("div");
    row.className = "actions-row";
    row.append(...actions);
    li.append(row);
  }
  return li;
}

async function discard(entry) {
  if (!window.confirm(t("confirm_discard"))) return;
  await outbox.remove(entry.revision_uuid);
}

function refusedActions(entry, form) {
  const actions = [
    button(t("send_again"), () => sendWaitingNotes({ includeRefused: true })),
    button(t("discard"), () => discard(entry)),
  ];
  if (form) actions.unshift(button(t("edit"), () => editRefused(form, entry)));
  return actions;
}

async function renderVisitList(list, entries) {
  const form = document.querySelector("[data-note-form]");
  const visitId = Number(form.dataset.visitId);
  const here = entries.filter((entry) => entry.visit_id === visitId);
  const items = here.map((entry) =>
    item(entry, {
      state: stateOf(entry),
      actions: entry.refused ? refusedActions(entry, form) : [],
    }),
  );
  let saved = 0;
  for (const entry of sentHere.values()) {
    if (entry.visit_id !== visitId) continue;
    items.push(item(entry, { state: t("sent") }));
    saved += 1;
  }
  list.replaceChildren(...items);
  // The server's list, drawn with the page, said there were none: it is no longer so.
  const none = document.querySelector("[data-no-notes]");
  if (none) none.hidden = saved > 0;
}

async function renderOutboxPage(list, entries, others) {
  list.replaceChildren(
    ...entries.map((entry) =>
      item(entry, {
        state: stateOf(entry),
        link: true,
        actions: entry.refused ? refusedActions(entry, null) : [],
      }),
    ),
  );
  document.querySelector("[data-outbox-empty]").hidden = entries.length > 0;
  const note = document.querySelector("[data-outbox-others]");
  note.hidden = others === 0;
  note.textContent = t("other_account", { n: others });
}

async function render() {
  if (!userId || !outbox) return;
  const all = await outbox.entries();
  const entries = all.filter(mine);
  settleAwaited(entries);
  const status = document.querySelector("[data-outbox-status]");
  if (status) {
    status.hidden = entries.length === 0;
    status.dataset.count = String(entries.length);
    status.querySelector("[data-outbox-count]").textContent =
      entries.length === 1 ? t("pending_one") : t("pending_other", { n: entries.length });
  }
  const signedOut = document.querySelector("[data-signed-out]");
  if (signedOut) signedOut.hidden = !(entries.length && (await outbox.signedOut()));
  const visitList = document.querySelector("[data-pending-notes]");
  if (visitList) await renderVisitList(visitList, entries);
  const outboxList = document.querySelector("[data-outbox-list]");
  if (outboxList) await renderOutboxPage(outboxList, entries, all.length - entries.length);
}

// The note form ------------------------------------------------------------------------------

function draftKey(form) {
  const parent = form.elements.parent_uuid ? form.elements.parent_uuid.value : "new";
  return `${userId}/${form.dataset.visitId}/${parent}`;
}

function actionRows(form) {
  return [...form.querySelectorAll("[data-action-row]")];
}

function readForm(form) {
  const observations = {};
  for (const select of form.querySelectorAll(".observations select")) {
    if (select.value) observations[select.name] = Number(select.value);
  }
  const actions = actionRows(form)
    .map((row) => ({
      text: row.querySelector("[name=action_text]").value,
      due: row.querySelector("[name=action_due]").value,
    }))
    .filter((action) => action.text.trim() || action.due);
  return { body: form.elements.body.value, observations, actions };
}

function fillForm(form, { body, observations = {}, actions = [] }) {
  form.elements.body.value = body;
  for (const select of form.querySelectorAll(".observations select")) {
    select.value = observations[select.name] ? String(observations[select.name]) : "";
  }
  resetActionRows(form);
  actions.forEach((action, index) => {
    const row = index === 0 ? actionRows(form)[0] : addActionRow(form);
    row.querySelector("[name=action_text]").value = action.text;
    row.querySelector("[name=action_due]").value = action.due;
  });
  checkActions(form);
}

function addActionRow(form) {
  const rows = actionRows(form);
  const row = rows[0].cloneNode(true);
  for (const input of row.querySelectorAll("input")) input.value = "";
  rows[rows.length - 1].after(row);
  checkActions(form);
  return row;
}

// An action needs both a description and a day, as the server says; the phone says it before the
// note is kept, not hours later when the server refuses what was written offline.
function checkActions(form) {
  for (const row of actionRows(form)) {
    const text = row.querySelector("[name=action_text]");
    const due = row.querySelector("[name=action_due]");
    text.setCustomValidity(due.value && !text.value.trim() ? t("action_needs_text") : "");
    due.setCustomValidity(text.value.trim() && !due.value ? t("action_needs_due") : "");
  }
}

function resetActionRows(form) {
  for (const row of actionRows(form).slice(1)) row.remove();
  for (const input of actionRows(form)[0].querySelectorAll("input[type=text], input[type=date]")) {
    input.value = "";
  }
}

async function saveDraft(form) {
  const content = readForm(form);
  const key = draftKey(form);
  if (content.body.trim() || content.actions.length) {
    await outbox.drafts.put({ key, ...content, saved_at: Date.now() });
    form.dataset.draft = "kept";
  } else {
    await outbox.drafts.remove(key);
    delete form.dataset.draft;
  }
}

async function restoreDraft(form) {
  const draft = await outbox.drafts.get(draftKey(form));
  if (!draft) return; // a draft is always newer than what the page came with
  fillForm(form, draft);
  say(form, t("draft_restored"));
}

function say(form, message) {
  const feedback = form.querySelector("[data-note-feedback]");
  feedback.textContent = message;
  feedback.hidden = false;
}

function editRefused(form, entry) {
  fillForm(form, entry);
  form.dataset.replacing = entry.revision_uuid;
  form.dataset.noteUuid = entry.note_uuid;
  form.dataset.parentUuid = entry.parent_uuid || "";
  form.elements.body.focus();
}

// The form becomes a correction of a refused entry (same note), or a new note.
function identity(form) {
  if (form.dataset.replacing) {
    return { note_uuid: form.dataset.noteUuid, parent_uuid: form.dataset.parentUuid || null };
  }
  const parent = form.elements.parent_uuid ? form.elements.parent_uuid.value : "";
  if (parent) return { note_uuid: form.elements.note_uuid.value, parent_uuid: parent };
  return { note_uuid: form.dataset.newNoteUuid, parent_uuid: null };
}

// A note's identity is made when the form opens (and again after each note is kept), not when it
// is saved: two taps on the button at once then keep one note, not two.
function freshIdentity(form) {
  form.dataset.revisionUuid = newUuid();
  form.dataset.newNoteUuid = newUuid();
}

async function keepNote(form) {
  const content = readForm(form);
  const revisionUuid = form.dataset.revisionUuid;
  const entry = {
    revision_uuid: revisionUuid,
    ...identity(form),
    replaces: [],
    body: content.body,
    observations: content.observations,
    actions: content.actions.map((action) => ({ uuid: newUuid(), ...action })),
    written_at: new Date().toISOString(),
    visit_id: Number(form.dataset.visitId),
    visit_url: location.pathname,
    sync_url: form.dataset.syncUrl,
    user_id: userId,
    queued_at: Date.now(),
  };
  await outbox.add(entry);
  freshIdentity(form);
  // A refused entry was never stored by the server, so its corrected copy replaces it here.
  if (form.dataset.replacing) await outbox.remove(form.dataset.replacing);
  delete form.dataset.replacing;
  await outbox.drafts.remove(draftKey(form));
  fillForm(form, { body: "" });
  // Online, the server usually answers at once: "kept on this phone" would read as "no network"
  // for that moment. It is said when the browser is offline or the send fails (`waiting`).
  say(form, navigator.onLine ? t("saving_note") : t("saved_on_device"));
  whenAnswered(revisionUuid, {
    sent: () => say(form, t("note_sent")),
    refused: (reason) => say(form, t("refused", { reason })),
    waiting: () => say(form, t("saved_on_device")),
  });
  return revisionUuid;
}

function enhanceNoteForm(form) {
  const dropPendingDraft = keepDraft(form, saveDraft);
  const add = form.querySelector("[data-add-action]");
  form.addEventListener("input", () => checkActions(form));
  form.addEventListener("change", () => checkActions(form));
  add.hidden = false;
  add.addEventListener("click", () => addActionRow(form).querySelector("input").focus());
  const save = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.saving) return; // a second tap while the first is being kept
    form.dataset.saving = "true";
    save.disabled = true;
    save.setAttribute("aria-busy", "true");
    dropPendingDraft();
    let kept;
    try {
      kept = await keepNote(form);
    } finally {
      delete form.dataset.saving;
      save.disabled = false;
      save.removeAttribute("aria-busy");
      refocus(save);
    }
    await render();
    await askForBackgroundSync();
    await sendWaitingNotes();
    await stillWaiting(kept);
  });
  freshIdentity(form);
  form.dataset.enhanced = "true";
  return restoreDraft(form);
}

// Signing out --------------------------------------------------------------------------------

// This browser stops getting the person's notifications: the server forgets its address and the
// browser its subscription (a shared phone must not show the next person whose visit is due).
// The browser unsubscribes even when the server cannot be told (no signal): the push service then
// refuses the address, and the server forgets it at the next reminder. Signing out goes on
// whatever happens here.
async function forgetPush(form) {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const subscription = await registration?.pushManager?.getSubscription();
    if (!subscription) return;
    try {
      await fetch(form.dataset.forgetPush, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrf_token.value },
        body: JSON.stringify({ endpoint: subscription.endpoint }),
      });
    } finally {
      await subscription.unsubscribe();
    }
  } catch (error) {
    console.warn(error);
  }
}

function guardLogout(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if ((await outbox.entries()).length) await sendWaitingNotes();
    const left = (await outbox.entries()).length;
    if (left && !window.confirm(t("confirm_logout", { n: left }))) return;
    await forgetPush(form);
    await outbox.wipe();
    localStorage.clear();
    sessionStorage.clear();
    form.submit();
  });
}

// Start --------------------------------------------------------------------------------------

export async function startNotes() {
  if (!outbox) return;
  document.querySelectorAll("form[data-logout]").forEach(guardLogout);
  if (!userId) return;
  outbox.onChange(() => render());
  const form = document.querySelector("[data-note-form]");
  if (form && self.crypto?.randomUUID) await enhanceNoteForm(form);
  window.addEventListener("online", () => sendWaitingNotes());
  window.addEventListener("offline", () => render());
  setInterval(async () => {
    if (navigator.onLine && (await outbox.entries()).some(mine)) sendWaitingNotes();
  }, RETRY_EVERY_MS);
  await render();
  await sendWaitingNotes();
  document.documentElement.dataset.notesReady = "true";
}
