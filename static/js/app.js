// fieldapp page script: registers the service worker, shows the offline banner and the install hint.
// Every page works without it; it only adds what needs JavaScript by nature.

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("service worker not registered:", error);
  });
}

function trackConnection() {
  const banner = document.querySelector("[data-offline-banner]");
  if (!banner) return;
  const update = () => {
    banner.hidden = navigator.onLine;
  };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
}

function offerInstall() {
  const hint = document.querySelector("[data-install-hint]");
  const button = document.querySelector("[data-install-button]");
  if (!hint || !button) return;
  let deferred = null;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event;
    hint.hidden = false;
  });
  button.addEventListener("click", async () => {
    if (!deferred) return;
    deferred.prompt();
    await deferred.userChoice;
    deferred = null;
    hint.hidden = true;
  });
  window.addEventListener("appinstalled", () => {
    hint.hidden = true;
  });
}

registerServiceWorker();
trackConnection();
offerInstall();
