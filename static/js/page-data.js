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

// A moment (an ISO string) as the pages write it, `datetimeformat("d MMM yyyy HH:mm")`: on the
// organisation's clock, with the page language's month names as the server has them.
const dates = data.dates ?? { zone: undefined, months: [] };
let parts = null;

export function formatMoment(value) {
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) return String(value);
  parts ??= new Intl.DateTimeFormat("en-GB-u-nu-latn-ca-gregory", {
    timeZone: dates.zone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const part = Object.fromEntries(parts.formatToParts(moment).map((p) => [p.type, p.value]));
  const month = dates.months[Number(part.month) - 1] ?? part.month;
  return `${Number(part.day)} ${month} ${part.year} ${part.hour}:${part.minute}`;
}
