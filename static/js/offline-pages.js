// Keeps the agenda, the outbox and the pages of today's and the coming days' visits on the device,
// so that the service worker can show them at a worksite without signal. The server renders these
// copies without notes (see fieldapp/pwa/offline.py); signing out deletes them.

import { urls, userId } from "./page-data.js";

const COPY_HEADER = "X-Fieldapp-Copy";
const KEPT_AT = "fieldapp-pages-kept-at";
const REFRESH_AFTER_MS = 10 * 60 * 1000;

async function keep(cache, url) {
  const response = await fetch(url, { headers: { [COPY_HEADER]: "offline" }, cache: "no-store" });
  if (response.ok && !response.redirected) await cache.put(url, response);
}

// `force`: on the home screen and the agenda, where visits are planned or moved; elsewhere at most
// every ten minutes.
export async function keepPagesForOffline({ force = false } = {}) {
  if (!userId || !("caches" in self) || !navigator.onLine || !urls.offline_pages) return;
  const keptAt = Number(localStorage.getItem(KEPT_AT) || 0);
  if (!force && Date.now() - keptAt < REFRESH_AFTER_MS) {
    document.documentElement.dataset.offlinePages = "ready";
    return;
  }
  const response = await fetch(urls.offline_pages, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { pages } = await response.json();
  const cache = await caches.open(self.fieldappOutbox.PAGES_CACHE);
  await Promise.all(pages.map((url) => keep(cache, url)));
  for (const request of await cache.keys()) {
    if (!pages.includes(new URL(request.url).pathname)) await cache.delete(request);
  }
  localStorage.setItem(KEPT_AT, String(Date.now()));
  document.documentElement.dataset.offlinePages = "ready";
}
