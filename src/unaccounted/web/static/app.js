// Keyboard shortcuts for buttons marked data-key, and live job progress.
// Pages work without this script; it only saves clicks and reloads.
"use strict";
// Every request a script makes carries the session's CSRF token (the page's meta tag):
// the server refuses a request that changes something without it.
function api(url, options) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var opts = options || {};
  opts.credentials = "same-origin";
  opts.headers = Object.assign({}, opts.headers || {}, {"X-CSRF-Token": meta ? meta.content : ""});
  return fetch(url, opts);
}
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                 target.tagName === "SELECT" || target.isContentEditable)) return;
  var button = document.querySelector('button[data-key="' + event.key.toLowerCase() + '"]');
  if (button) {
    event.preventDefault();
    button.click();
  }
});
(function pollJob() {
  var box = document.getElementById("job");
  if (!box) return;
  var state = box.getAttribute("data-state");
  if (state !== "queued" && state !== "running") return;
  var id = box.getAttribute("data-job");
  setTimeout(function () {
    api("/api/jobs/" + encodeURIComponent(id)).then(function (r) { return r.json(); })
      .then(function (job) {
        var bar = box.querySelector("progress");
        if (bar) bar.value = job.fraction;
        if (job.state !== state) { window.location.reload(); return; }
        pollJob();
      }).catch(function () { setTimeout(pollJob, 2000); });
  }, 700);
})();
