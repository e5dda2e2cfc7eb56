// "Allow notifications on this device" on the notifications page: asks the browser, subscribes
// with the app's public key and hands the subscription to the server.

import { urls } from "./page-data.js";

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

function show(selector) {
  const element = document.querySelector(selector);
  if (element) element.hidden = false;
}

async function subscribe(button) {
  if ((await Notification.requestPermission()) !== "granted") {
    show("[data-push-denied]");
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(button.dataset.pushSubscribe),
  });
  const { csrf_token: token } = await (await fetch(urls.csrf, { cache: "no-store" })).json();
  const response = await fetch(button.dataset.subscribeUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(subscription.toJSON()),
  });
  if (response.ok) window.location.reload();
}

export function offerPush() {
  const button = document.querySelector("[data-push-subscribe]");
  if (!button) return;
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent);
  const installed = window.matchMedia("(display-mode: standalone)").matches;
  if (ios && !installed) {
    show("[data-ios-hint]");
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    show("[data-push-unsupported]");
    return;
  }
  if (Notification.permission === "denied") {
    show("[data-push-denied]");
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => subscribe(button).catch((error) => console.warn(error)));
}
