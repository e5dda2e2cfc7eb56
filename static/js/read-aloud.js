// Read aloud, with the phone's own speech synthesis (nothing is sent anywhere), a question of the
// easy-read form and its choices, in the form's language. A button [data-read-aloud="<id>"] reads
// the texts marked [data-speak] inside the element with that id, in order. Without speech
// synthesis in the browser the buttons stay hidden; the form works the same. So do they when the
// phone lists its voices and none speaks the form's language: another language's voice would
// mangle the words or say nothing. A phone that lists no voices (yet) keeps the button.

const speech = window.speechSynthesis;

const voiceFor = (lang) =>
  speech
    .getVoices?.()
    ?.find((voice) => voice.lang?.toLowerCase().replace("_", "-").split("-")[0] === lang);

const languageOf = (button) => button.dataset.lang || document.documentElement.lang;

const read = (button) => {
  const part = document.getElementById(button.dataset.readAloud);
  if (!part) return;
  const text = [...part.querySelectorAll("[data-speak]")]
    .map((element) => element.textContent.trim())
    .filter(Boolean)
    .join(". ");
  speech.cancel(); // a second tap starts again instead of queueing
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = languageOf(button);
  const voice = voiceFor(utterance.lang);
  if (voice) utterance.voice = voice;
  speech.speak(utterance);
};

const canSpeak = (lang) => !speech.getVoices?.()?.length || Boolean(voiceFor(lang));

if (speech && typeof window.SpeechSynthesisUtterance === "function") {
  const buttons = [...document.querySelectorAll("[data-read-aloud]")];
  const show = () => {
    for (const button of buttons) button.hidden = !canSpeak(languageOf(button));
  };
  for (const button of buttons) button.addEventListener("click", () => read(button));
  show();
  speech.addEventListener?.("voiceschanged", show); // many phones list their voices a bit later
  window.addEventListener("pagehide", () => speech.cancel());
}
