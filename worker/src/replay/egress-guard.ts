/**
 * The egress guard: a script every replayed HTML document runs first. The replay CSP stops requests, but two
 * ways out are beyond CSP's reach in Chromium:
 *   - WebRTC. ICE sends STUN/TURN packets (UDP) to any server a script names, and to any candidate address
 *     it is given; no CSP directive covers it (Chromium 156 ignores the proposed `webrtc 'block'`, and no
 *     Permissions-Policy feature gates RTCPeerConnection). The guard deletes the constructors.
 *   - The frame navigating itself. The console's `frame-src` blocks the navigation, but only after Chromium
 *     has opened a TCP connection to the target. The guard cancels cross-origin navigations with the
 *     Navigation API before any connection is made.
 * A script can find pristine constructors in another realm: a same-origin child frame (about:blank, srcdoc).
 * The guard scrubs every same-origin frame it can reach, installs itself in their realms, re-scrubs after
 * each DOM insertion (so `frames[0]` right after `appendChild` is already scrubbed), and puts its own tag in
 * front of every srcdoc document. What it cannot cover is said in docs (and in the commit): a frame
 * navigated to a `javascript:` URL by name or through `frames[i].location`, documents that are not HTML (SVG)
 * and frames whose window is replaced without a DOM insertion (navigation to about:blank).
 *
 * Served from GUARD_PATH on every replay origin, as a parser-blocking script: the tag is short, so a
 * `<meta charset>` stays within the first 1024 bytes where the encoding sniffer looks for it.
 */
export const GUARD_PATH = "/__verbatim-replay/egress-guard.js";

export const GUARD_TAG = `<script src="${GUARD_PATH}"></script>`;

export const GUARD_SCRIPT = `(function () {
  "use strict";
  var TAG = ${JSON.stringify(GUARD_TAG)};
  var apply = Reflect.apply, names = Object.getOwnPropertyNames, describe = Object.getOwnPropertyDescriptor;
  var define = Object.defineProperty, hooked = new WeakSet(), has = WeakSet.prototype.has, add = WeakSet.prototype.add;
  var RTC = /^(webkit|moz)?RTC/, test = RegExp.prototype.test, origin = location.origin;
  var startsWith = String.prototype.startsWith, toLower = String.prototype.toLowerCase;
  var replace = String.prototype.replace, getAttribute = Element.prototype.getAttribute;
  var byTag = Document.prototype.getElementsByTagName;

  // Deletes the WebRTC interfaces from a window; the constructors are the only way in, so a window without
  // them is done (a quick check keeps the sweep after each DOM insertion cheap).
  function scrub(w) {
    if (w.RTCPeerConnection === undefined && w.webkitRTCPeerConnection === undefined) return;
    var own = names(w);
    for (var i = 0; i < own.length; i++) {
      if (!apply(test, RTC, [own[i]])) continue;
      try { delete w[own[i]]; } catch (e) {}
      try { if (w[own[i]] !== undefined) define(w, own[i], { value: undefined, writable: false, configurable: false }); } catch (e) {}
    }
  }

  // Every same-origin window from \`w\` down: scrubbed, hooked, its parser-made srcdoc frames guarded.
  function sweep(w, depth) {
    if (depth > 8) return;
    // Reading the document is the same-origin check (location.origin says "null" for about:blank frames).
    try { if (!w.document) return; scrub(w); } catch (e) { return; }
    install(w);
    var frames = apply(byTag, w.document, ["iframe"]);
    for (var f = 0; f < frames.length; f++) {
      var value = apply(getAttribute, frames[f], ["srcdoc"]);
      if (value !== null && !apply(startsWith, value, [TAG])) frames[f].srcdoc = value;
    }
    var n = w.length;
    for (var i = 0; i < n; i++) { try { sweep(w[i], depth + 1); } catch (e) {} }
  }

  var busy = false;
  function after(result) {
    if (busy) return result;
    busy = true;
    try { sweep(window, 0); } finally { busy = false; }
    return result;
  }

  function javascriptUrl(value) {
    var bare = apply(replace, String(value), [/[\\u0000-\\u0020]/g, ""]);
    return apply(startsWith, apply(toLower, bare, []), ["javascript:"]);
  }

  // The value to set on a frame's attribute: srcdoc documents get the guard first; javascript: URLs, whose
  // result is a document the guard never sees, are not set at all (null).
  function frameValue(element, name, value) {
    var tag = element ? String(element.localName) : "", attr = apply(toLower, String(name), []);
    if ((tag === "iframe" || tag === "frame") && attr === "src" && javascriptUrl(value)) return null;
    if (tag === "iframe" && attr === "srcdoc") {
      var text = String(value);
      return apply(startsWith, text, [TAG]) ? text : TAG + text;
    }
    return value;
  }

  function wrapMethod(proto, name, before) {
    var d = proto && describe(proto, name);
    if (!d || typeof d.value !== "function") return;
    var original = d.value;
    define(proto, name, { value: function () {
      var args = arguments;
      if (before) { args = before(this, args); if (args === null) return undefined; }
      return after(apply(original, this, args));
    }, writable: true, configurable: true, enumerable: d.enumerable });
  }

  // A property whose getter hands out a window (sweep first) or whose setter can make a frame (sweep after).
  function wrapAccessor(proto, name, map, sweeps) {
    var d = proto && describe(proto, name);
    if (!d || !d.get) return;
    var get = d.get, set = d.set;
    define(proto, name, {
      get: sweeps === "get" ? function () {
        var got = apply(get, this, []);
        after();
        // A frame in a shadow tree is not among window.frames: sweep the one handed out as well.
        try { if (got) sweep(got.nodeType === 9 ? got.defaultView : got, 1); } catch (e) {}
        return got;
      } : get,
      set: set && function (value) {
        var mapped = map ? map(this, value) : value;
        if (mapped === null) return;
        apply(set, this, [mapped]);
        if (sweeps === "set") after();
      },
      configurable: true, enumerable: d.enumerable,
    });
  }

  var INSERTING = {
    Node: ["appendChild", "insertBefore", "replaceChild"],
    Element: ["append", "prepend", "after", "before", "replaceWith", "replaceChildren", "insertAdjacentElement",
      "insertAdjacentHTML", "setHTMLUnsafe", "moveBefore", "setAttributeNode", "setAttributeNodeNS"],
    Document: ["append", "prepend", "replaceChildren", "write", "writeln", "moveBefore", "execCommand", "open"],
    DocumentFragment: ["append", "prepend", "replaceChildren", "moveBefore"],
    ShadowRoot: ["setHTMLUnsafe"],
    CharacterData: ["after", "before", "replaceWith"],
    DocumentType: ["after", "before", "replaceWith"],
    Range: ["insertNode", "surroundContents"],
    NamedNodeMap: ["setNamedItem", "setNamedItemNS"],
  };
  var HTML_SETTERS = [["Element", "innerHTML"], ["Element", "outerHTML"], ["ShadowRoot", "innerHTML"], ["Document", "body"]];
  var FRAMES = ["HTMLIFrameElement", "HTMLFrameElement", "HTMLObjectElement", "HTMLEmbedElement"];

  // Hooks one realm (this window's, or a child frame's, whose prototypes are its own).
  function install(w) {
    var proto = w.Node.prototype;
    if (apply(has, hooked, [proto])) return;
    apply(add, hooked, [proto]);
    if (w.navigation && w.navigation.addEventListener) {
      w.navigation.addEventListener("navigate", function (event) {
        var to;
        try { to = new URL(event.destination.url).origin; } catch (e) { to = "null"; }
        if (to !== origin && event.cancelable) event.preventDefault();
      });
    }
    for (var f = 0; f < FRAMES.length; f++) {
      var fp = w[FRAMES[f]] && w[FRAMES[f]].prototype;
      wrapAccessor(fp, "contentWindow", null, "get");
      wrapAccessor(fp, "contentDocument", null, "get");
      wrapMethod(fp, "getSVGDocument");
    }
    var frameSrc = function (element, value) { return frameValue(element, "src", value); };
    wrapAccessor(w.HTMLIFrameElement.prototype, "srcdoc", function (element, value) { return frameValue(element, "srcdoc", value); }, "set");
    wrapAccessor(w.HTMLIFrameElement.prototype, "src", frameSrc, "set");
    if (w.HTMLFrameElement) wrapAccessor(w.HTMLFrameElement.prototype, "src", frameSrc, "set");
    wrapMethod(w.Element.prototype, "setAttribute", function (element, args) {
      var value = frameValue(element, args[0], args[1]);
      return value === null ? null : [args[0], value];
    });
    wrapMethod(w.Element.prototype, "setAttributeNS", function (element, args) {
      var value = frameValue(element, args[1], args[2]);
      return value === null ? null : [args[0], args[1], value];
    });
    var attrValue = function (node, value) { return node.nodeType === 2 ? frameValue(node.ownerElement, node.name, value) : value; };
    wrapAccessor(w.Attr.prototype, "value", attrValue);
    wrapAccessor(w.Node.prototype, "nodeValue", attrValue);
    wrapAccessor(w.Node.prototype, "textContent", attrValue);
    for (var type in INSERTING) {
      var p = w[type] && w[type].prototype;
      for (var m = 0; m < INSERTING[type].length; m++) wrapMethod(p, INSERTING[type][m]);
    }
    for (var h = 0; h < HTML_SETTERS.length; h++) {
      var hp = w[HTML_SETTERS[h][0]] && w[HTML_SETTERS[h][0]].prototype;
      wrapAccessor(hp, HTML_SETTERS[h][1], null, "set");
    }
  }

  sweep(window, 0);
  // Insertions the hooks do not see (the parser adding the page's own frames): swept when they land.
  new MutationObserver(function () { after(); }).observe(document, { childList: true, subtree: true });
  window.addEventListener("load", function () { after(); }, true);
})();
`;

/**
 * Where the guard goes: after `<head …>` when the document opens with one (skipping a BOM, comments, the
 * doctype and `<html …>`), else after `<html …>`, else after the prolog. Before that point nothing can run,
 * and a script there lands in the head without changing how the page parses or paints. An XHTML document
 * keeps a single root: its guard goes inside `<html>`.
 */
const PROLOG = /^(?:\uFEFF|\xEF\xBB\xBF)?(?:\s+|<!--[\s\S]*?-->|<!doctype\b[^>]*>|<\?[^>]*>)*/i;
const OPEN_TAG = (name: string) =>
  new RegExp(`^(?:\\s+|<!--[\\s\\S]*?-->)*<${name}(?:\\s(?:[^>"']|"[^"]*"|'[^']*')*)?>`, "i");
const HTML_OPEN = OPEN_TAG("html");
const HEAD_OPEN = OPEN_TAG("head");

/** The position in a recorded HTML document (a binary string) where the guard is inserted. */
export function guardPosition(html: string): number {
  let at = PROLOG.exec(html)?.[0].length ?? 0;
  const root = HTML_OPEN.exec(html.slice(at));
  if (root) at += root[0].length;
  const head = HEAD_OPEN.exec(html.slice(at));
  if (head) at += head[0].length;
  return at;
}

/** A recorded HTML document with the guard as its first script. */
export function withEgressGuard(html: string): string {
  const at = guardPosition(html);
  return html.slice(0, at) + GUARD_TAG + html.slice(at);
}

/** A srcdoc attribute value (HTML-escaped) with the guard in front of the document it holds. */
export const GUARD_TAG_ESCAPED = GUARD_TAG.replace(/&/g, "&amp;")
  .replace(/</g, "&lt;")
  .replace(/>/g, "&gt;")
  .replace(/"/g, "&quot;")
  .replace(/ /g, "&#32;");
