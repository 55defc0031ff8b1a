// The memorial site's search: runs in the browser over window.MEMORIAL_INDEX (index.js),
// with no network. A query matches a person when every query word begins one of the
// person's name words (lower case, ё as е), or when its script key begins one of the
// person's keys: the key folds Cyrillic and the common Latin transliterations to one
// spelling, so «Ivanov», «Iwanow» and «Иванов» meet. scriptKey is the language pack's
// script_key (normalize/ru/keys.py), rule for rule; results are written as text only.
(function () {
  "use strict";
  var PLAIN = "a b v g d e yo zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(" ");
  var CYR = {};
  "абвгдеёжзийклмнопрстуфхцчшщъыьэюя".split("").forEach(function (c, i) { CYR[c] = PLAIN[i]; });
  CYR["ъ"] = ""; CYR["ь"] = "";
  CYR["і"] = "i"; CYR["ї"] = "i"; CYR["є"] = "ye"; CYR["ґ"] = "g"; CYR["ў"] = "u";
  var SPECIAL = {
    "ŝ": "shch", "š": "sh", "č": "ch", "ž": "zh", "û": "yu", "â": "ya", "ë": "yo",
    "ǵ": "g", "ĭ": "i", "ȳ": "y", "ʹ": "", "ʺ": "", "ǐ": "i", "ć": "ch", "ś": "s", "ź": "z",
    "ł": "l", "ń": "n", "ĝ": "g", "ĉ": "ch", "ŭ": "u"
  };
  var FOLDS = [
    [/w/g, "v"], [/q/g, "k"], [/ph/g, "f"], [/shch|sch|shh|sh/g, "W"], [/tch|ch/g, "C"],
    [/zh/g, "Z"], [/kh|x|h/g, "H"], [/t?cz|ts|tz|tc|c/g, "t"], [/[yj]o/g, "e"], [/[yj]/g, "i"],
    [/(.)\1+/g, "$1"], [/i(?=[aeou])/g, ""], [/(.)\1+/g, "$1"]
  ];
  var PLACEHOLDERS = { W: "w", C: "c", Z: "x", H: "h" };

  function scriptKey(text) {
    var out = "";
    var chars = Array.from(text.toLowerCase().normalize("NFC"));
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i];
      if (Object.prototype.hasOwnProperty.call(CYR, ch)) out += CYR[ch];
      else if (Object.prototype.hasOwnProperty.call(SPECIAL, ch)) out += SPECIAL[ch];
      else out += ch;
    }
    var key = out.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^a-z]/g, "");
    for (var j = 0; j < FOLDS.length; j++) key = key.replace(FOLDS[j][0], FOLDS[j][1]);
    return key.replace(/[WCZH]/g, function (m) { return PLACEHOLDERS[m]; });
  }

  function words(text) {
    return text.toLowerCase().normalize("NFC").replace(/ё/g, "е")
      .split(/[^\p{L}\p{N}'’-]+/u).filter(function (w) { return w.length > 0; });
  }

  function startsAny(list, prefix) {
    for (var i = 0; i < list.length; i++) if (list[i].indexOf(prefix) === 0) return list[i] === prefix ? 2 : 1;
    return 0;
  }

  // 0: no match; else a score (exact words over prefixes, spellings over keys)
  function score(person, query) {
    var total = 0;
    for (var i = 0; i < query.length; i++) {
      var q = query[i];
      var s = startsAny(person.w, q.word) * 2;
      if (!s && q.key) s = startsAny(person.k, q.key);
      if (!s) return 0;
      total += s;
    }
    return total;
  }

  function search(text, limit) {
    var index = (window.MEMORIAL_INDEX || { persons: [] }).persons;
    var query = words(text).map(function (w) { return { word: w, key: scriptKey(w) }; });
    if (!query.length) return { hits: [], matched: 0 };
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], query);
      if (s) found.push([s, index[i]]);
    }
    found.sort(function (a, b) { return b[0] - a[0] || (a[1].n < b[1].n ? -1 : a[1].n > b[1].n ? 1 : 0); });
    return { hits: found.slice(0, limit).map(function (x) { return x[1]; }), matched: found.length };
  }

  function show() {
    var box = document.getElementById("q");
    var list = document.getElementById("results");
    var all = document.getElementById("all");
    var count = document.getElementById("count");
    var text = box.value.trim();
    list.textContent = "";
    if (!text) { all.hidden = false; count.textContent = ""; return; }
    all.hidden = true;
    var result = search(text, 100);
    if (!result.hits.length) { count.textContent = list.dataset.none; return; }
    count.textContent = list.dataset.shown + " " + result.hits.length + " " + list.dataset.of + " " + result.matched;
    result.hits.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.u;
      a.textContent = p.n;
      li.appendChild(a);
      var facts = [p.b, p.e, p.s].filter(function (x) { return x; }).join(" · ");
      if (facts) {
        var span = document.createElement("span");
        span.className = "note";
        span.textContent = " " + facts;
        li.appendChild(span);
      }
      list.appendChild(li);
    });
  }

  window.memorialSearch = { scriptKey: scriptKey, search: search };
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("q");
    if (!box) return;
    document.getElementById("search").addEventListener("submit", function (e) { e.preventDefault(); });
    box.addEventListener("input", show);
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) box.value = q;
    show();
  });
})();
