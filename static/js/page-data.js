// What the server put in the page for its scripts: who is signed in, addresses, translated words.

const element = document.getElementById("fieldapp-page");
const data = element ? JSON.parse(element.textContent) : { user_id: null, urls: {}, strings: {} };

export const userId = data.user_id;
export const urls = data.urls;

// A translated word, with `{name}` placeholders filled in.
export function t(key, values = {}) {
  const text = data.strings[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}
