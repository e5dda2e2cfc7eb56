// fieldapp page script: registers the service worker, shows the offline banner and the install hint,
// and starts the outbox for notes and the pages kept for working without a network.
// Every page works without it; it only adds what needs JavaScript by nature.

import { startContacts } from "./contacts.js";
import { startEvaluationAutosave } from "./evaluation.js";
import { startNotes } from "./notes.js";
import { keepPagesForOffline } from "./offline-pages.js";
import { offerPush, offerPushAgain } from "./push-settings.js";
import { startUnplannedVisits } from "./unplanned.js";

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

// A feedback or supervisor link: the phone's share sheet (WhatsApp, SMS, ...) where there is one,
// copy, print.
function offerSharing() {
  const share = document.querySelector("[data-share-link]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () =>
      navigator.share({ title: share.dataset.shareTitle, url: share.dataset.shareLink }).catch(() => {}),
    );
  }
  const copy = document.querySelector("[data-copy-link]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      await navigator.clipboard.writeText(copy.dataset.copyLink);
      copy.textContent = copy.dataset.copied;
    });
  }
  // On paper: a phone's browser hides printing deep in its menu.
  const print = document.querySelector("[data-print-page]");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
  }
}

// A form the server sent back to be corrected: its first field with a mistake has the focus, so a
// phone scrolls it into view and a screen reader reads its label and its error (the field is
// described by it). A page that chose its own focus (an error summary with autofocus) keeps it.
function focusFirstMistake() {
  if (document.querySelector("[autofocus]")) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  const field = document.querySelector("main [aria-invalid='true']");
  if (field) field.focus();
}

// A change made far down a page comes back to its section (an address ending in #its-heading): the
// confirmation, at the top, would be out of sight on a phone. It is shown under that heading.
function showMessagesAtSection() {
  const messages = document.querySelector("main > .flashes");
  const section = messages && document.getElementById(window.location.hash.slice(1));
  if (!section?.closest("main") || section.contains(messages)) return;
  section.after(messages);
  section.scrollIntoView();
}

const TAB_PEEK = 32; // px

// A row of tabs wider than a phone scrolls sideways and opens at its start: the current tab, further
// along, would be out of sight, and nothing would say where one is. Only the row scrolls, not the page.
function showCurrentTabs() {
  for (const current of document.querySelectorAll(".tabs [aria-current='page']")) {
    const row = current.closest(".tabs");
    const box = row.getBoundingClientRect();
    const tab = current.getBoundingClientRect();
    // A little of the next tab stays in sight too: the row goes on.
    if (tab.right > box.right) row.scrollLeft += Math.ceil(tab.right - box.right) + TAB_PEEK;
    else if (tab.left < box.left) row.scrollLeft -= Math.ceil(box.left - tab.left) + TAB_PEEK;
  }
}

focusFirstMistake();
showMessagesAtSection();
showCurrentTabs();
registerServiceWorker();
offerSharing();
offerPush();
offerPushAgain().catch((error) => console.warn("notifications:", error));
trackConnection();
offerInstall();
startEvaluationAutosave();
startNotes().catch((error) => console.error("notes:", error));
startContacts();
startUnplannedVisits();
keepPagesForOffline({ force: document.querySelector("[data-keep-offline]") !== null }).catch(
  (error) => console.warn("pages not kept for offline use:", error),
);
