// Money arrives from the hub as integer minor units (cents) and leaves this page the same way. Only Intl turns it
// into text, from an exact decimal string built here: no amount is ever divided as a float.

const formats = new Map();

function format(lang, options) {
  const key = `${lang}|${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(lang, options));
  return formats.get(key);
}

// How many minor units the currency has after the decimal mark (2 for EUR, 0 for JPY).
export function fractionDigits(currency, lang) {
  return format(lang, {style: "currency", currency}).resolvedOptions().maximumFractionDigits;
}

// 1250 with 2 digits -> "12.50", exactly (Intl reads a string as an exact decimal).
export function decimalText(minor, digits) {
  const sign = minor < 0 ? "-" : "";
  const units = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, "0");
  return digits ? `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}` : `${sign}${units}`;
}

// "€12.50" / "12,50 €": the amount as the language writes the currency.
export function formatMoney(minor, currency, lang) {
  return format(lang, {style: "currency", currency}).format(decimalText(minor, fractionDigits(currency, lang)));
}

// "12.50" / "12,50": the amount for an input field, in the language's decimal mark, with no sign or grouping.
export function plainAmount(minor, currency, lang) {
  const digits = fractionDigits(currency, lang);
  return format(lang, {minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false})
    .format(decimalText(minor, digits));
}

// "12.50 EUR": the decimal mark of the language and the currency's code, as on a receipt.
export function amountWithCode(minor, currency, lang) {
  return `${plainAmount(minor, currency, lang)} ${currency}`;
}

// "20", "20,5", "20.50" -> minor units; null when the text is not an amount.
export function parseAmount(text, currency, lang) {
  const match = /^\s*(\d{1,7})(?:[.,](\d*))?\s*$/.exec(text || "");
  if (!match) return null;
  const digits = fractionDigits(currency, lang);
  const fraction = (match[2] || "").slice(0, digits).padEnd(digits, "0");
  return parseInt(match[1], 10) * 10 ** digits + (digits ? parseInt(fraction, 10) : 0);
}
