// Warns before leaving an editor form whose fields changed since the page
// loaded. Loaded as an external file: the newsroom's CSP allows no inline
// script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
    var initial = new URLSearchParams(new FormData(form)).toString();
    var submitting = false;
    form.addEventListener("submit", function (event) {
      // A preview opens in a new tab: this page is not being left.
      var target = event.submitter && event.submitter.getAttribute("formtarget");
      submitting = target !== "_blank";
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting) { submitting = false; return; }
      if (new URLSearchParams(new FormData(form)).toString() !== initial) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
});
