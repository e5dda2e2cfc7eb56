// fieldapp service worker: keeps the app shell and an offline page; personal pages are never cached.
const VERSION = {{ version|tojson }};
const SHELL_CACHE = `fieldapp-shell-${VERSION}`;
const SHELL = {{ shell|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};

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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlineFallback));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(
      caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)),
    );
  }
});
