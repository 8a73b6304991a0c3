// The order table without a round trip: filter by name, « + » and « − » lines, totals
// recomputed as the manager types. The server recomputes everything on submit; without
// this script the same buttons post the form and the page comes back updated.
//
// The compact table sends each select's options once, in a <template> per select name
// (cesu_orders/html_rows.py): a row's select holds its chosen option only until this
// script copies the shared list into it, at once when the manager reaches it, and for
// every row a little at a time while the browser is idle.
(function () {
  "use strict";

  const FILL_CHUNK = 400;

  function fill(select) {
    if (select.dataset.filled) return;
    const template = document.getElementById(`options-${select.name}`);
    if (!template) return;
    select.dataset.filled = "1";
    const value = select.value;
    const options = template.content.cloneNode(true);
    const offered = [...options.children].some((option) => option.value === value);
    if (offered) {
      select.replaceChildren(options);
      select.value = value;
    } else {
      select.append(options); // The « — » of a value no longer offered stays chosen.
    }
  }

  function fillAll(table) {
    const pending = [...table.querySelectorAll("tbody select:not([data-filled])")];
    const later = window.requestIdleCallback || ((callback) => window.setTimeout(callback, 0));
    const step = () => {
      pending.splice(0, FILL_CHUNK).forEach(fill);
      if (pending.length) later(step);
    };
    later(step);
  }

  const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  // Amounts in cents, as integers: no float rounding drift.
  function cents(text) {
    const match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text || "");
    return match ? Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0")) : null;
  }

  function lineAmounts(row) {
    const value = (name) => row.querySelector(`[name="${name}"]`).value;
    const booklets = /^\d+$/.test(value("booklets")) ? Number(value("booklets")) : 0;
    const perBooklet = Number(value("per_booklet")) || 0;
    const face = cents(value("face_value"));
    const share = Number(String(value("share")).replace(",", "."));
    if (!booklets || !perBooklet || face === null || !(share >= 0 && share <= 100)) {
      return null;
    }
    const vouchers = booklets * perBooklet;
    // Half up per voucher, as cesu_orders.pricing.line_amounts.
    const employerPerVoucher = Math.round((face * share) / 100 + 1e-9);
    return { vouchers, face: face * vouchers, employer: employerPerVoucher * vouchers };
  }

  function refresh(table) {
    let vouchers = 0, face = 0, employer = 0, paper = false;
    table.querySelectorAll("tbody tr.order-row").forEach((row) => {
      const amounts = lineAmounts(row);
      const cell = row.querySelector("[data-line-total]");
      if (!amounts) {
        cell.textContent = "";
        return;
      }
      vouchers += amounts.vouchers;
      face += amounts.face;
      employer += amounts.employer;
      if (row.querySelector('[name="format"]').value === "paper") paper = true;
      cell.textContent = euros.format(amounts.face / 100);
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = euros.format(amounts.employer / 100);
      cell.append(document.createElement("br"), hint);
    });
    const set = (selector, text) => {
      const node = document.querySelector(selector);
      if (node) node.textContent = text;
    };
    set("[data-total-vouchers]", String(vouchers));
    set("[data-total-face]", euros.format(face / 100));
    set("[data-total-employer]", euros.format(employer / 100));
    const hasPaper = document.querySelector("[data-has-paper]");
    if (hasPaper) {
      const value = paper || vouchers === 0 ? "1" : "0";
      if (hasPaper.value !== value) {
        hasPaper.value = value;
        const select = document.getElementById("id_delivery");
        if (select) select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  }

  function removeButton(row) {
    const name = row.querySelector('[name="booklets"]').getAttribute("aria-label").replace(/^Carnets, /, "");
    const button = document.createElement("button");
    button.type = "submit";
    button.name = "remove_line";
    button.className = "button button--small button--icon button--secondary";
    button.title = "Retirer cette ligne";
    button.setAttribute("aria-label", `Retirer cette ligne de ${name}`);
    button.textContent = "−";
    return button;
  }

  function linesOf(table, beneficiary) {
    return [...table.querySelectorAll(`tbody tr.order-row[data-beneficiary="${beneficiary}"]`)];
  }

  function syncRemoveButtons(table, beneficiary) {
    const rows = linesOf(table, beneficiary);
    rows.forEach((row) => {
      const cell = row.lastElementChild;
      const existing = cell.querySelector('[name="remove_line"]');
      if (rows.length > 1 && !existing) cell.append(" ", removeButton(row));
      if (rows.length === 1 && existing) existing.remove();
    });
  }

  function addLine(table, row) {
    const beneficiary = row.dataset.beneficiary;
    const rows = linesOf(table, beneficiary);
    const last = rows[rows.length - 1];
    const anchor = last.nextElementSibling && last.nextElementSibling.classList.contains("order-row__errors")
      ? last.nextElementSibling : last;
    const copy = row.cloneNode(true);
    copy.classList.remove("order-row--first", "order-row--error");
    copy.querySelector('[name="booklets"]').value = "0";
    row.querySelectorAll("select").forEach((select, index) => {
      copy.querySelectorAll("select")[index].value = select.value;
    });
    const name = row.querySelector('[name="booklets"]').getAttribute("aria-label").replace(/^Carnets, /, "");
    const header = copy.querySelector("th");
    const hidden = header.querySelector('input[type="hidden"]');
    header.textContent = "";
    const label = document.createElement("span");
    label.className = "order-row__more";
    label.innerHTML = '↳ <span class="visually-hidden"></span>autre ligne';
    label.querySelector(".visually-hidden").textContent = `${name}, `;
    header.append(label, hidden);
    anchor.after(copy);
    syncRemoveButtons(table, beneficiary);
    refresh(table);
    copy.querySelector('[name="booklets"]').focus();
  }

  function removeLine(table, row) {
    const beneficiary = row.dataset.beneficiary;
    if (linesOf(table, beneficiary).length < 2) return;
    const errors = row.nextElementSibling;
    if (errors && errors.classList.contains("order-row__errors")) errors.remove();
    const wasFirst = row.classList.contains("order-row--first");
    const next = linesOf(table, beneficiary).find((line) => line !== row);
    row.remove();
    if (wasFirst && next) {
      next.classList.add("order-row--first");
      next.querySelector("th").replaceWith(row.querySelector("th"));
    }
    syncRemoveButtons(table, beneficiary);
    refresh(table);
    linesOf(table, beneficiary)[0].querySelector('[name="booklets"]').focus();
  }

  function filter(table, query) {
    const words = fold(query).split(/\s+/).filter(Boolean);
    table.querySelectorAll("tbody tr").forEach((row) => {
      row.hidden = !words.every((word) => (row.dataset.name || "").includes(word));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const table = document.getElementById("order-table");
    if (!table) return;
    ["focusin", "pointerdown", "mousedown"].forEach((type) => {
      table.addEventListener(type, (event) => {
        if (event.target instanceof HTMLSelectElement) fill(event.target);
      }, true);
    });
    fillAll(table);
    const filterBox = document.querySelector("[data-filter]");
    filterBox.hidden = false;
    filterBox.querySelector("input").addEventListener("input", (event) => filter(table, event.target.value));
    table.addEventListener("input", () => refresh(table));
    table.addEventListener("change", () => refresh(table));
    table.addEventListener("click", (event) => {
      const button = event.target.closest("button[name]");
      if (!button) return;
      const row = button.closest("tr");
      if (button.name === "add_line") {
        event.preventDefault();
        addLine(table, row);
      } else if (button.name === "remove_line") {
        event.preventDefault();
        removeLine(table, row);
      }
    });
  });
})();
