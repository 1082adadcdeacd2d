// Run in the page by authcheck/frontend/formfind.py: ([what, ...args]) => result.
// Marks what it finds with data-authcheck="email|password|name|confirm|submit|link|task-*".
([what, ...args]) => {
  const MARK = "data-authcheck";
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== "hidden" && !el.closest("[hidden]");
  const text = (el) => (el.textContent || "").replace(/\s+/g, " ").trim();

  function findForm(role, strict) {
  for (const el of document.querySelectorAll(`[${MARK}]`)) el.removeAttribute(MARK);
  const labelOf = (el) => {
    const parts = [];
    for (const l of el.labels || []) parts.push(text(l));
    for (const a of ["aria-label", "placeholder", "title"]) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    for (const id of (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)) {
      const t = document.getElementById(id); if (t) parts.push(text(t));
    }
    return parts.join(" ").toLowerCase();
  };
  const ac = (el) => (el.getAttribute("autocomplete") || "").toLowerCase();
  const attrs = (el) => `${el.name || ""} ${el.id || ""}`.toLowerCase();
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += "#" + el.id; else if (el.name) d += `[name=${el.name}]`;
    else if (el.type && el.tagName === "INPUT") d += `[type=${el.type}]`;
    const l = labelOf(el) || text(el);
    return l ? `${d} ("${l.slice(0, 40)}")` : d;
  };
  const passwords = [...document.querySelectorAll("input[type=password]")].filter(visible);
  const want = role === "signup" ? "new-password" : "current-password";
  const other = role === "signup" ? "current-password" : "new-password";
  let picked = passwords.filter((el) => ac(el).includes(want));
  if (!picked.length) picked = passwords.filter((el) => !ac(el).includes(other));
  const typed = (el) => !["password", "hidden", "submit", "button", "checkbox", "radio", "file",
    "image", "reset"].includes((el.type || "text").toLowerCase());
  for (const password of picked) {
    let box = password.form;
    if (!box) {  // no <form>: the smallest block around the password with another field
      box = password.parentElement;
      while (box && ![...box.querySelectorAll("input")].some((i) => i !== password && typed(i) && visible(i))) box = box.parentElement;
    }
    if (!box) continue;
    const fields = [...box.querySelectorAll("input")].filter((i) => visible(i) && typed(i));
    const score = (el, rules) => rules.reduce((n, [ok, w]) => n + (ok(el) ? w : 0), 0);
    const emailRules = [
      [(e) => (e.type || "").toLowerCase() === "email", 5],
      [(e) => /\b(username|email)\b/.test(ac(e)), 4],
      [(e) => /e-?mail|user|login|account/.test(labelOf(e)), 3],
      [(e) => /e-?mail|user|login/.test(attrs(e)), 2],
    ];
    const nameRules = [
      [(e) => /^(name|given-name|nickname)$|\bname\b/.test(ac(e)) && !/username/.test(ac(e)), 4],
      [(e) => /name/.test(labelOf(e)) && !/user ?name|e-?mail/.test(labelOf(e)), 3],
      [(e) => /name|display/.test(attrs(e)) && !/user|mail/.test(attrs(e)), 2],
    ];
    const best = (list, rules) => list.map((e) => [score(e, rules), e]).filter(([s]) => s > 0)
      .sort((a, b) => b[0] - a[0])[0]?.[1];
    const email = best(fields, emailRules);
    if (!email) continue;
    const name = role === "signup" ? best(fields.filter((f) => f !== email), nameRules) : undefined;
    const allPasswords = [...box.querySelectorAll("input[type=password]")].filter(visible);
    const confirm = allPasswords.find((p) => p !== password);
    if (role === "signup" && strict && !ac(password).includes("new-password") && !name && !confirm) continue;
    if (role === "signin" && strict && (name || confirm)) continue;
    const words = role === "signup" ? /sign ?up|register|join|create|continue|submit|get started/i
      : /sign ?in|log ?in|continue|submit|next|enter/i;
    const buttons = [...box.querySelectorAll("button, input[type=submit], input[type=image], [role=button]")]
      .filter(visible).filter((b) => !(b.type || "").match(/^(reset|button)$/i) || b.getAttribute("role") === "button" || words.test(text(b) || b.value || ""));
    const submit = buttons.find((b) => (b.type || "").toLowerCase() === "submit" && b.form === password.form && password.form)
      || buttons.find((b) => words.test(text(b) || b.value || labelOf(b)))
      || (buttons.length === 1 ? buttons[0] : undefined);
    if (!submit) continue;
    email.setAttribute(MARK, "email");
    password.setAttribute(MARK, "password");
    submit.setAttribute(MARK, "submit");
    if (name) name.setAttribute(MARK, "name");
    if (confirm && role === "signup") confirm.setAttribute(MARK, "confirm");
    return { email: describe(email), password: describe(password), submit: describe(submit),
      name: name ? describe(name) : null, confirm: confirm && role === "signup" ? describe(confirm) : null };
  }
  return null;
}

  function findLink(pattern) {
  const re = new RegExp(pattern, "i");
  for (const el of document.querySelectorAll(`[${MARK}=link]`)) el.removeAttribute(MARK);
  const link = [...document.querySelectorAll("a[href], button, [role=link], [role=button]")]
    .filter(visible).find((el) => re.test((el.textContent || "").replace(/\s+/g, " ").trim()));
  if (!link) return null;
  link.setAttribute(MARK, "link");
  return (link.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60);
}

  function findTaskForm() {
  for (const el of document.querySelectorAll(`[${MARK}^=task]`)) el.removeAttribute(MARK);
  for (const form of document.querySelectorAll("form")) {
    if (!visible(form) || form.querySelector("input[type=password]")) continue;
    const inputs = [...form.querySelectorAll("input, textarea")].filter(visible)
      .filter((i) => !["hidden", "submit", "button", "checkbox", "radio"].includes((i.type || "text").toLowerCase()));
    const submit = [...form.querySelectorAll("button, input[type=submit]")].filter(visible)
      .find((b) => (b.type || "submit").toLowerCase() === "submit");
    if (inputs.length !== 1 || !submit) continue;
    inputs[0].setAttribute(MARK, "task-title");
    submit.setAttribute(MARK, "task-submit");
    return true;
  }
  return false;
}

  if (what === "form") return findForm(...args);
  if (what === "link") return findLink(...args);
  return findTaskForm();
}
