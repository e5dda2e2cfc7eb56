// fieldapp service worker. Keeps the app shell and the offline page; keeps the pages the device
// needs offline when a page asks (see static/js/offline-pages.js) and serves them when the network
// fails, for a week at most; deletes them as soon as the server says the session is over; sends
// the notes outbox through Background Sync where the browser has it; shows pushed reminders and
// opens their page when tapped. Live pages are never cached here.
//
// templates/pwa/sw.js serves this code after the server's constants (VERSION, SHELL, OFFLINE_URL,
// CSRF_URL, ICON_URL, PAGES_URL, LOGIN_URL; biome.json declares them) and after importing
// static/js/outbox.js, which sets self.fieldappOutbox. SHELL names each file under its versioned
// address (static/x.js?v=…), as the pages and their import map ask for it.
const SHELL_CACHE = `fieldapp-shell-${VERSION}`;
const SHELL_PATHS = new Set(SHELL.map((address) => new URL(address, self.location.origin).pathname));
const COPY_HEADER = "X-Fieldapp-Copy";
const KEPT_AT_HEADER = "X-Fieldapp-Kept-At";
// No kept page outlives a week: older ones are deleted and never served, offline or not.
const KEEP_FOR_MS = 7 * 24 * 60 * 60 * 1000;
// A kept page the server no longer shows this person (the file went to a colleague): its copy goes.
const NOT_YOURS = new Set([403, 404, 410]);
// After this long without an answer, a kept copy is shown rather than an endless spinner.
const SLOW_NETWORK_MS = 6000;

const outbox = self.fieldappOutbox;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll([...SHELL, OFFLINE_URL]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("fieldapp-shell-") && key !== SHELL_CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function offlineFallback() {
  const cached = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
  return cached || Response.error();
}

// Stamped by this worker's clock, judged by it too. A stamp far in the future (a phone clock set
// back) counts as old.
function fresh(copy) {
  const keptAt = Number(copy.headers.get(KEPT_AT_HEADER));
  return keptAt > 0 && Math.abs(Date.now() - keptAt) < KEEP_FOR_MS;
}

async function keptCopy(request) {
  const options = { cacheName: outbox.PAGES_CACHE, ignoreVary: true };
  const copy = await caches.match(request.url, options);
  if (!copy || fresh(copy)) return copy;
  const cache = await caches.open(outbox.PAGES_CACHE);
  await cache.delete(request.url, options);
  return undefined;
}

// The server ended the session: 401 from the JSON API, or a page sent to the sign-in form.
function sessionOver(response) {
  if (response.status === 401) return true;
  return response.redirected && new URL(response.url).pathname === LOGIN_URL;
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT_HEADER, String(Date.now()));
  const { status, statusText } = response;
  return new Response(await response.blob(), { status, statusText, headers });
}

// Asks for one page to keep; with the tag of the copy kept already, so that the server answers
// 304 Not Modified (no page sent, none rendered) when it has not changed.
async function fetchCopy(url, kept) {
  const headers = { [COPY_HEADER]: "offline" };
  const tag = kept?.headers.get("ETag");
  if (tag) headers["If-None-Match"] = tag;
  return fetch(url, { headers, cache: "no-store" });
}

// Fetches the list of pages to keep and each page, and keeps them stamped; drops the rest. A page
// the server says is unchanged (304) keeps its copy, stamped again.
async function keepPages() {
  const list = await fetch(PAGES_URL, { headers: { Accept: "application/json" }, cache: "no-store" });
  if (sessionOver(list)) {
    await outbox.sessionEnded();
    return { kept: false, signedOut: true };
  }
  if (!list.ok) return { kept: false };
  const { pages } = await list.json();
  const kept = await Promise.all(pages.map((url) => keptCopy(new Request(url))));
  const copies = await Promise.all(pages.map((url, index) => fetchCopy(url, kept[index])));
  if (copies.some(sessionOver)) {
    await outbox.sessionEnded();
    return { kept: false, signedOut: true };
  }
  const cache = await caches.open(outbox.PAGES_CACHE);
  let renewed = 0;
  let unchanged = 0;
  await Promise.all(
    copies.map(async (response, index) => {
      if (response.status === 304 && kept[index]) {
        await cache.put(pages[index], await stamped(kept[index]));
        unchanged += 1;
      } else if (response.ok && !response.redirected) {
        await cache.put(pages[index], await stamped(response));
        renewed += 1;
      } else if (NOT_YOURS.has(response.status)) {
        await cache.delete(pages[index], { ignoreVary: true });
      }
    }),
  );
  for (const request of await cache.keys()) {
    if (!pages.includes(new URL(request.url).pathname)) await cache.delete(request);
  }
  return { kept: true, renewed, unchanged };
}

self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep-pages" || !event.ports[0]) return;
  const [port] = event.ports;
  event.waitUntil(
    keepPages().then(
      (result) => port.postMessage(result),
      (error) => port.postMessage({ kept: false, error: String(error) }),
    ),
  );
});

// Network first; the kept copy when the network fails or is too slow; else the offline page.
async function page(request) {
  const copy = await keptCopy(request);
  const network = fetch(request);
  if (!copy) return network.catch(offlineFallback);
  network.catch(() => {}); // answered by the copy; a late failure is no news
  let timer;
  const slow = new Promise((resolve) => {
    timer = setTimeout(() => resolve(copy.clone()), SLOW_NETWORK_MS);
  });
  try {
    return await Promise.race([network, slow]);
  } catch {
    return copy;
  } finally {
    clearTimeout(timer);
  }
}

// The shell under its versioned addresses (static/x.js?v=…), as the pages ask for it. A page kept
// under an earlier release asks for earlier versions: offline, it gets the file it is now.
async function shellFile(request) {
  const hit = await caches.match(request, { cacheName: SHELL_CACHE });
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (error) {
    const current = await caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true });
    if (current) return current;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (SHELL_PATHS.has(url.pathname)) event.respondWith(shellFile(request));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== outbox.SYNC_TAG) return;
  event.waitUntil(
    outbox.flush(CSRF_URL).then((result) => {
      // A rejection asks the browser to try again later.
      if (result.retryLater) throw new Error("notes still wait for the network");
    }),
  );
});

// A reminder: a title, a neutral line and the page to open; the tag makes a resend replace, not add.
self.addEventListener("push", (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(
    self.registration.showNotification(data.title || "fieldapp", {
      body: data.body || "",
      tag: data.tag,
      icon: ICON_URL,
      badge: ICON_URL,
      data: { url: data.url || "/" },
    }),
  );
});

// A tap opens the reminder's page: the window already showing it, else an open fieldapp window
// taken there (a note being typed is kept as a draft on the device), else a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) return; // only ever our own pages
  const opening = openPage(target);
  // Only a real tap may keep the worker alive (and focus a window); DevTools' clicks may not.
  if (event.isTrusted) event.waitUntil(opening);
});

async function openPage(target) {
  const windows = await self.clients.matchAll({ type: "window" });
  const showing = windows.find((client) => new URL(client.url).pathname === target.pathname);
  if (showing) return showing.focus().catch(() => showing);
  if (windows.length) {
    const moved = await windows[0].navigate(target.href);
    return moved ? moved.focus().catch(() => moved) : null;
  }
  return self.clients.openWindow(target.href);
}
