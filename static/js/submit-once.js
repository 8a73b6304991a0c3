// Forms that start long work (« Commander », « Valider la commande », an import) are sent
// once: after the first submit, their buttons are disabled and the one clicked says what
// is happening (its data-busy-label). A form opts in with data-submit-once; without this
// script the server still refuses a second validation (cart version, import claimed).
(function () {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    const clicked = event.submitter;
    // After this turn: a button disabled now would not send its name and value.
    window.setTimeout(() => {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach((button) => {
        button.disabled = true;
      });
      if (clicked && clicked.dataset.busyLabel) {
        clicked.dataset.label = clicked.textContent;
        clicked.textContent = clicked.dataset.busyLabel;
        form.setAttribute("aria-busy", "true");
      }
    }, 0);
  });

  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitted]").forEach((form) => {
      delete form.dataset.submitted;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach((button) => {
        button.disabled = false;
        if (button.dataset.label) button.textContent = button.dataset.label;
      });
    });
  });
})();
