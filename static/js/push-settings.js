// "Allow notifications on this device" on the notifications page: asks the browser, subscribes
// with the app's public key and hands the subscription to the server. And on the home page, "Turn
// notifications on again" where this browser allowed them before.

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

// Subscribes this browser with the app's public key and hands the subscription to the server,
// which binds it to this sign-in; true once the server keeps it.
async function subscribeHere(key, url) {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(key),
  });
  const { csrf_token: token } = await (await fetch(urls.csrf, { cache: "no-store" })).json();
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(subscription.toJSON()),
  });
  return response.ok;
}

async function subscribe(button) {
  if ((await Notification.requestPermission()) !== "granted") {
    show("[data-push-denied]");
    return;
  }
  if (await subscribeHere(button.dataset.pushSubscribe, button.dataset.subscribeUrl)) window.location.reload();
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

const NOT_NOW = "fieldapp-push-again-not-now"; // until signing out, which clears the storage

// A subscription ends with the sign-in it was made in (signing out, a password change, a device
// ended from elsewhere, a sign-in that ran its time): a browser that allowed notifications before
// gets none in its next sign-in. The home page says so and turns them on again at one tap; the
// browser does not ask again, since it allowed them already. The offer's data-push-again says
// what was decided ("offered", "on", "not-now", "not-allowed", "not-set-up").
export async function offerPushAgain() {
  const offer = document.querySelector("[data-push-again]");
  if (!offer) return;
  const decided = (state) => {
    offer.dataset.pushAgain = state;
  };
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported || Notification.permission !== "granted") return decided("not-allowed");
  if (localStorage.getItem(NOT_NOW)) return decided("not-now");
  const response = await fetch(offer.dataset.stateUrl, { cache: "no-store" });
  if (!response.ok) return;
  const { subscribed, key } = await response.json();
  if (!key) return decided("not-set-up");
  if (subscribed) return decided("on");
  const turnOn = async () => {
    if (!(await subscribeHere(key, offer.dataset.subscribeUrl))) return;
    offer.hidden = true;
    show("[data-push-again-done]");
    decided("on");
  };
  offer
    .querySelector("[data-push-again-on]")
    .addEventListener("click", () => turnOn().catch((error) => console.warn(error)));
  offer.querySelector("[data-push-again-not-now]").addEventListener("click", () => {
    localStorage.setItem(NOT_NOW, "1");
    offer.hidden = true;
    decided("not-now");
  });
  offer.hidden = false;
  decided("offered");
}
