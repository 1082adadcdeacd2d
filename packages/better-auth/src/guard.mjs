// Who may call the control API: loopback clients only, judged from the client address the
// framework hands Better Auth (X-Forwarded-For and friends). No address at all is a refusal:
// the plugin never guesses that a request it cannot place came from this machine.

const ADDRESS_HEADERS = ["x-forwarded-for", "x-real-ip"];

/** 127.0.0.0/8 and ::1, plain, IPv4-mapped or bracketed. */
export function isLoopback(address) {
  if (typeof address !== "string" || address === "") return false;
  let text = address.trim();
  if (text.startsWith("[") && text.includes("]")) text = text.slice(1, text.indexOf("]"));
  const v4 = text.toLowerCase().startsWith("::ffff:") ? text.slice(7) : text;
  return text === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** `for=` addresses of an RFC 7239 Forwarded header. */
function forwardedFor(value) {
  const found = [];
  for (const element of value.split(",")) {
    for (const pair of element.split(";")) {
      const [name, raw] = pair.split("=", 2);
      if (name?.trim().toLowerCase() === "for" && raw) found.push(raw.trim().replace(/^"|"$/g, ""));
    }
  }
  return found;
}

/** Every client address a request claims, from all the headers that can carry one. */
export function clientAddresses(headers, extraHeaders = []) {
  const names = new Set([...ADDRESS_HEADERS, ...extraHeaders.map((n) => n.toLowerCase())]);
  const found = [];
  for (const name of names) {
    const value = headers.get(name);
    if (value) found.push(...value.split(",").map((part) => part.trim()).filter(Boolean));
  }
  const forwarded = headers.get("forwarded");
  if (forwarded) found.push(...forwardedFor(forwarded));
  // "for=127.0.0.1:1234" and "127.0.0.1:1234" carry a port; IPv6 ports come bracketed.
  return found.map((a) => (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a) ? a.split(":")[0] : a));
}

/** Null when every claimed address is loopback, else why the request is refused. */
export function refusal(headers, extraHeaders = []) {
  const addresses = clientAddresses(headers, extraHeaders);
  if (addresses.length === 0) {
    return "loopback only: cannot see the client address (on node:http mount trustSocketAddress(toNodeHandler(auth)))";
  }
  return addresses.every(isLoopback) ? null : "loopback only";
}

/**
 * For a bare `node:http` server with no proxy in front: set X-Forwarded-For from the socket (and
 * drop client-sent address headers) before Better Auth's node handler sees the request.
 */
export function trustSocketAddress(handler) {
  return (req, res) => {
    for (const name of [...ADDRESS_HEADERS, "forwarded"]) delete req.headers[name];
    req.headers["x-forwarded-for"] = req.socket?.remoteAddress ?? "";
    return handler(req, res);
  };
}
