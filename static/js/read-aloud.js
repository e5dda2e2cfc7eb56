// Read aloud, with the phone's own speech synthesis (nothing is sent anywhere), a question of the
// easy-read form and its choices, in the form's language. A button [data-read-aloud="<id>"] reads
// the texts marked [data-speak] inside the element with that id, in order. Without speech
// synthesis in the browser the buttons stay hidden; the form works the same.

const speech = window.speechSynthesis;

const voiceFor = (lang) =>
  speech
    .getVoices?.()
    ?.find((voice) => voice.lang?.toLowerCase().replace("_", "-").split("-")[0] === lang);

const read = (button) => {
  const part = document.getElementById(button.dataset.readAloud);
  if (!part) return;
  const text = [...part.querySelectorAll("[data-speak]")]
    .map((element) => element.textContent.trim())
    .filter(Boolean)
    .join(". ");
  speech.cancel(); // a second tap starts again instead of queueing
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = button.dataset.lang || document.documentElement.lang;
  const voice = voiceFor(utterance.lang);
  if (voice) utterance.voice = voice;
  speech.speak(utterance);
};

if (speech && typeof window.SpeechSynthesisUtterance === "function") {
  for (const button of document.querySelectorAll("[data-read-aloud]")) {
    button.hidden = false;
    button.addEventListener("click", () => read(button));
  }
  window.addEventListener("pagehide", () => speech.cancel());
}
