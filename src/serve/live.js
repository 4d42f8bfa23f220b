// The preview's one script: it listens for builds over a WebSocket and
// reloads the page (keeping its scroll position), shows the overlay a failed
// build sends, and marks the PDF links while the PDFs are being typeset.
// The server writes all the markup it places; nothing here builds HTML from text.
(function () {
  "use strict";
  var script = document.currentScript;
  var key = "briefing-scroll:" + location.pathname;

  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    restore();
    window.addEventListener("load", restore);
  }

  var generation = script ? script.dataset.generation : "";
  var pdfStale = false;

  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }

  function pdfLinks(root) {
    return Array.prototype.slice.call(root.querySelectorAll('a[href$=".pdf"]'));
  }

  function markPdfs(fresh) {
    pdfStale = !fresh;
    pdfLinks(document).forEach(function (link) {
      if (fresh) {
        link.classList.remove("briefing-pdf-stale");
        link.removeAttribute("title");
      } else {
        link.classList.add("briefing-pdf-stale");
        link.title = "The PDF is being typeset again; this link opens the previous one.";
      }
    });
  }

  // Takes the new PDF links (size, pages) from the page as it is now.
  function refreshPdfs() {
    fetch(location.href, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var now = pdfLinks(fresh);
        pdfLinks(document).forEach(function (link, i) {
          if (now[i]) { link.innerHTML = now[i].innerHTML; }
        });
        markPdfs(true);
      })
      .catch(function () { markPdfs(true); });
  }

  function showProblem(html) {
    var old = document.getElementById("briefing-overlay");
    if (old) { old.remove(); }
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var overlay = holder.firstElementChild;
    if (overlay) { document.body.insertBefore(overlay, document.body.firstChild); }
  }

  function connect(delay) {
    var socket = new WebSocket("ws://" + location.host + "/__briefing/events");
    socket.onopen = function () { delay = 250; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.kind === "reload") {
        reload();
      } else if (message.kind === "hello") {
        // Says the page now follows the builds (for scripts driving the preview).
        document.documentElement.dataset.briefingPreview = "live";
        // What happened while this page loaded: a newer build, a problem, fresh PDFs.
        if (String(message.generation) !== generation) { reload(); return; }
        if (message.problem) { showProblem(message.problem); }
        if (message.pdf_fresh && pdfStale) { refreshPdfs(); }
      } else if (message.kind === "problem") {
        showProblem(message.html);
      } else if (message.kind === "pdf") {
        if (message.fresh) { refreshPdfs(); } else { markPdfs(false); }
      }
    };
    // The server restarted or went away: try again, more slowly each time,
    // and reload once it answers, since the site may have changed meanwhile.
    socket.onclose = function () {
      setTimeout(function () {
        fetch(location.href, { method: "HEAD", cache: "no-store" })
          .then(reload)
          .catch(function () { connect(Math.min(delay * 2, 5000)); });
      }, delay);
    };
  }

  if (script && script.dataset.pdf === "stale") { markPdfs(false); }
  connect(250);
})();
