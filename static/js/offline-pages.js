// Keeps the agenda, the outbox and the pages of today's and the coming days' visits on the device,
// so that the service worker can show them at a worksite without signal. The server renders these
// copies without notes (see fieldapp/pwa/offline.py); signing out deletes them.
//
// The service worker fetches and stamps the copies (templates/pwa/sw.js): it judges their age when
// it serves them, so the same clock stamps them. When the server answers that the session is over,
// it deletes them at once.

import { userId } from "./page-data.js";

const KEPT_AT = "fieldapp-pages-kept-at";
const REFRESH_AFTER_MS = 10 * 60 * 1000;

function ask(worker, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
  });
}

// `force`: on the home screen and the agenda, where visits are planned or moved; elsewhere at most
// every ten minutes.
export async function keepPagesForOffline({ force = false } = {}) {
  if (!userId || !("serviceWorker" in navigator) || !navigator.onLine) return;
  const keptAt = Number(localStorage.getItem(KEPT_AT) || 0);
  if (!force && Date.now() - keptAt < REFRESH_AFTER_MS) {
    document.documentElement.dataset.offlinePages = "ready";
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const { kept, error } = await ask(registration.active, { type: "keep-pages" });
  if (error) throw new Error(error);
  if (!kept) return; // the server is away, or the session is over (the worker said so)
  localStorage.setItem(KEPT_AT, String(Date.now()));
  document.documentElement.dataset.offlinePages = "ready";
}
