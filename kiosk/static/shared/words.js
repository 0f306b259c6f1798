// A page's words: `strings` maps each language to {key: text}, as the page's Python side puts them on the page.
// A key missing in the language falls back to English, then to the key itself.

export function fill(text, params) {
  for (const [name, value] of Object.entries(params || {})) text = text.split(`{${name}}`).join(String(value));
  return text;
}

// Return t(key, params) reading the language that `currentLang()` names at the time of each call.
export function translator(strings, currentLang) {
  return function t(key, params) {
    const table = strings[currentLang()] || {};
    const text = table[key] !== undefined ? table[key] : (strings.en || {})[key];
    return fill(text !== undefined ? text : key, params);
  };
}

// What the hub's refusal means to a reader: its code in the page's words, or the general one; never the hub's
// own message or field path. `strings` is the page's table of every language (English names every key).
export function refusalWords(t, strings, code) {
  const key = `error_${code || "general"}`;
  return (strings.en || {})[key] !== undefined ? t(key) : t("error_general");
}

export function formatTime(value, lang) {
  if (!value) return "";
  return new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit"}).format(new Date(value));
}

export function formatDateTime(value, lang, dateStyle = "short") {
  if (!value) return "";
  return new Intl.DateTimeFormat(lang, {dateStyle, timeStyle: "short"}).format(new Date(value));
}
