// fieldapp outbox: notes written on this device wait in IndexedDB until the server has confirmed
// them, and unfinished notes are kept there as drafts. A classic script (not a module) so that the
// pages and the service worker (importScripts) share this one copy.
//
// Two kinds of entry wait here, keyed by `revision_uuid`: a note revision, whose own fields are
// what is sent, and any other record made on the device (a contact, static/js/contacts.js), which
// carries what is sent as `payload`, with its UUID as `revision_uuid`. Each entry has a `chain`
// of entries that wait for each other: a note's revisions (its `note_uuid`), or the entry alone.
//
// An entry leaves the outbox only on a 2xx answer. The server stores notes by the UUID the device
// made, so sending an entry twice (a lost answer, two tabs, Background Sync next to the page) does
// no harm. A 4xx answer keeps the entry with the server's reason; 401 marks the session as signed
// out, deletes the pages kept for offline use (the server ended the session: maybe a lost phone),
// and keeps the notes until the same person signs in again. A note that the server fails on
// (500) does not hold back the notes behind it: it is tried again, and after MAX_FAILURES it is set
// aside with the reason, like a refused one. When the server or the way to it is down or busy
// (502, 503, 504, 408, 425, 429) every note waits, however long.
(() => {
  const DB_NAME = "fieldapp";
  const DB_VERSION = 1;
  const SYNC_TAG = "fieldapp-outbox";
  const LOCK_NAME = "fieldapp-outbox-sync";
  const PAGES_CACHE = "fieldapp-pages";
  const MAX_FAILURES = 3;
  const SERVER_AWAY = [408, 425, 429, 502, 503, 504];
  const channel = "BroadcastChannel" in self ? new BroadcastChannel("fieldapp-outbox") : null;
  const listeners = new Set();
  let connection = null;

  function connect() {
    if (connection) return connection;
    connection = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("outbox", { keyPath: "revision_uuid" });
        db.createObjectStore("drafts", { keyPath: "key" });
        db.createObjectStore("state", { keyPath: "key" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Let a wipe (signing out, in this or another tab) delete the database.
        db.onversionchange = () => {
          db.close();
          connection = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        connection = null;
        reject(request.error);
      };
    });
    return connection;
  }

  // Runs `work` on one store; resolves with the value of the request it returns, once committed.
  // Outbox writes ask for strict durability: on disk before the page says "kept".
  async function inStore(name, mode, work) {
    const db = await connect();
    return new Promise((resolve, reject) => {
      const options = mode === "readwrite" ? { durability: "strict" } : undefined;
      const transaction = db.transaction(name, mode, options);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    for (const listener of listeners) listener();
  }

  function onChange(listener) {
    listeners.add(listener);
    if (channel) channel.addEventListener("message", listener);
  }

  async function entries() {
    const all = await inStore("outbox", "readonly", (store) => store.getAll());
    return all.sort((a, b) => a.queued_at - b.queued_at);
  }

  async function add(entry) {
    await inStore("outbox", "readwrite", (store) => store.add(entry));
    changed();
  }

  async function put(entry) {
    await inStore("outbox", "readwrite", (store) => store.put(entry));
    changed();
  }

  async function remove(revisionUuid) {
    await inStore("outbox", "readwrite", (store) => store.delete(revisionUuid));
    changed();
  }

  const drafts = {
    get: (key) => inStore("drafts", "readonly", (store) => store.get(key)),
    put: (draft) => inStore("drafts", "readwrite", (store) => store.put(draft)),
    remove: (key) => inStore("drafts", "readwrite", (store) => store.delete(key)),
  };

  async function signedOut() {
    const state = await inStore("state", "readonly", (store) => store.get("session"));
    return Boolean(state?.signedOut);
  }

  async function setSignedOut(value) {
    if ((await signedOut()) === value) return;
    await inStore("state", "readwrite", (store) => store.put({ key: "session", signedOut: value }));
    changed();
  }

  async function dropKeptPages() {
    if (self.caches) await self.caches.delete(PAGES_CACHE);
  }

  // The server says the session is over: the kept pages go at once, the notes stay.
  async function sessionEnded() {
    await dropKeptPages();
    await setSignedOut(true);
  }

  function withLock(work) {
    const locks = self.navigator?.locks;
    return locks ? locks.request(LOCK_NAME, work) : work();
  }

  async function reasonOf(response) {
    try {
      const body = await response.json();
      if (body?.message) return String(body.message);
    } catch {
      // not JSON: fall back on the status
    }
    return `HTTP ${response.status}`;
  }

  function chainOf(entry) {
    return entry.payload ? entry.revision_uuid : entry.note_uuid;
  }

  function send(entry, token) {
    // The note itself (or the entry's payload); what the device keeps about it stays on the device.
    const { sync_url: url, user_id, queued_at, refused, failures, visit_id, visit_url, ...note } =
      entry;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      },
      body: JSON.stringify(entry.payload ?? note),
    });
  }

  // Sends the waiting notes of whoever is signed in, oldest first (a correction after the note it
  // corrects). `retryLater` says that something is still waiting for the network or the server.
  function flush(csrfUrl, { includeRefused = false } = {}) {
    return withLock(async () => {
      const result = { sent: 0, refused: 0, retryLater: false, signedOut: false };
      const waiting = (await entries()).filter((entry) => includeRefused || !entry.refused);
      if (!waiting.length) return result;
      let token;
      let userId;
      try {
        const response = await fetch(csrfUrl, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "application/json" },
        });
        if (response.status === 401) {
          await sessionEnded();
          return { ...result, signedOut: true, retryLater: true };
        }
        if (!response.ok) return { ...result, retryLater: true };
        ({ csrf_token: token, user_id: userId } = await response.json());
      } catch {
        return { ...result, retryLater: true };
      }
      await setSignedOut(false);
      const failing = new Set(); // notes that failed in this pass: their corrections wait
      for (const entry of waiting.filter((item) => item.user_id === userId)) {
        if (failing.has(chainOf(entry))) {
          result.retryLater = true;
          continue;
        }
        let response;
        try {
          response = await send(entry, token);
        } catch {
          return { ...result, retryLater: true }; // the connection dropped: try again later
        }
        if (response.ok) {
          await remove(entry.revision_uuid);
          result.sent += 1;
        } else if (response.status === 401) {
          await sessionEnded();
          return { ...result, signedOut: true, retryLater: true };
        } else if (SERVER_AWAY.includes(response.status)) {
          return { ...result, retryLater: true };
        } else if (response.status >= 500) {
          failing.add(chainOf(entry));
          const count = (entry.failures || 0) + 1;
          const reason = await reasonOf(response);
          if (count >= MAX_FAILURES) {
            await put({ ...entry, failures: count, refused: reason });
            result.refused += 1;
          } else {
            await put({ ...entry, failures: count, last_error: reason });
            result.retryLater = true;
          }
        } else {
          await put({ ...entry, refused: await reasonOf(response) });
          result.refused += 1;
        }
      }
      return result;
    });
  }

  // Everything this app keeps on the device: notes, drafts, kept pages. Used when signing out.
  async function wipe() {
    if (connection) {
      (await connection).close();
      connection = null;
    }
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    await dropKeptPages();
    changed();
  }

  self.fieldappOutbox = {
    SYNC_TAG,
    PAGES_CACHE,
    add,
    drafts,
    entries,
    flush,
    onChange,
    put,
    remove,
    sessionEnded,
    signedOut,
    wipe,
  };
})();
