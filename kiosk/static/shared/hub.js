// Talking to the hub: ids chosen here, JSON calls, and the live Socket.IO link (the `io` of socket.io.min.js).

// A random UUID (v4). crypto.randomUUID needs a secure context; a screen on the store network is plain http.
export function newId() {
  if (window.crypto && crypto.randomUUID && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Call the hub with a JSON body (or none); resolves {reached, ok, status, data}. `reached` is false when the
// network failed; `data` is null when the reply was not JSON. Never throws: each page decides what a failure means.
export async function callHub(method, url, body, headers) {
  const sent = Object.assign({"Accept": "application/json"}, headers || {});
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body),
                                 cache: "no-store"});
  } catch (error) {
    return {reached: false, ok: false, status: 0, data: null, error};
  }
  let data = null;
  try { data = await response.json(); } catch (error) { data = null; }
  return {reached: true, ok: response.ok, status: response.status, statusText: response.statusText, data};
}

// Open a live link to one of the hub's namespaces ("/hub" for the kiosk and the counter, "/displays"), reconnecting
// within two seconds. `handlers` maps socket events to functions; `managerHandlers` maps the connection's own
// events (reconnect_attempt).
export function openSocket(namespace, handlers, managerHandlers) {
  const socket = io(namespace, {transports: ["websocket", "polling"], reconnectionDelayMax: 2000});
  for (const [event, handler] of Object.entries(handlers || {})) socket.on(event, handler);
  for (const [event, handler] of Object.entries(managerHandlers || {})) socket.io.on(event, handler);
  return socket;
}
