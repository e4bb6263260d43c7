/* Progressive enhancement of the dashboards: every page works without this file.
 * - draws the server-rendered bar tables as Chart.js charts (the table stays for screen readers);
 *   a bar whose row has a link (data-href) opens it when clicked;
 * - htmx (hx-* attributes in the templates) swaps #results when filters change;
 * - keeps the filter panel showing the filters in the address (Back and Forward included);
 * - submits the language switcher on change. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var ACCENT = "#1d4ed8";
  var GRID = "#e5e9ef";
  var TEXT = "#344054";

  var SERIES_COLOURS = [ACCENT, "#16a34a"];

  function readBars(table) {
    var rows = table.querySelectorAll("tbody tr");
    return Array.prototype.map.call(rows, function (row) {
      var values = (row.dataset.values || row.dataset.value || "0").split(" ").map(Number);
      return { label: row.dataset.label, title: row.dataset.title, values: values, href: row.dataset.href };
    });
  }

  function drawChart(figure) {
    if (!window.Chart) return;
    var table = figure.querySelector("table.bars");
    var holder = figure.querySelector(".chart__canvas");
    var canvas = holder && holder.querySelector("canvas");
    if (!table || !canvas || window.Chart.getChart(canvas)) return;
    var bars = readBars(table);
    var vertical = figure.dataset.kind === "bar-v";
    holder.hidden = false;
    figure.classList.add("js-charts");
    var perBar = figure.dataset.series && figure.dataset.series.indexOf("|") >= 0 ? 44 : 30;
    if (!vertical) holder.style.height = Math.max(120, perBar * bars.length + (perBar > 30 ? 60 : 40)) + "px";
    var title = figure.querySelector(".chart__title").textContent.trim();
    var series = figure.dataset.series ? figure.dataset.series.split("|") : [title];
    var lang = document.documentElement.lang || undefined;
    // Amounts (data-money holds their currency) are drawn compact on the axis: 1.2 M, 350 k.
    var money = figure.dataset.money;
    var compact = money ? new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 }) : null;
    var full = money ? new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }) : null;
    var valueTicks = { color: TEXT, precision: 0 };
    if (compact) valueTicks.callback = function (value) { return compact.format(value); };
    var categoryTicks = { color: TEXT };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.map(function (b) { return b.label; }),
        datasets: series.map(function (name, index) {
          return {
            label: name,
            data: bars.map(function (b) { return b.values[index] || 0; }),
            backgroundColor: SERIES_COLOURS[index % SERIES_COLOURS.length],
            borderRadius: 4,
            maxBarThickness: 28,
          };
        }),
      },
      options: {
        indexAxis: vertical ? "x" : "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: lang,
        // A click on a bar (or its row) opens the page filtered by it, as the link in the table does.
        interaction: { mode: "index", axis: vertical ? "x" : "y", intersect: false },
        onClick: function (event, elements) {
          var bar = elements.length ? bars[elements[0].index] : null;
          if (bar && bar.href) window.location.assign(bar.href);
        },
        onHover: function (event, elements) {
          var linked = elements.length && bars[elements[0].index].href;
          event.native.target.style.cursor = linked ? "pointer" : "";
        },
        plugins: {
          legend: { display: series.length > 1, labels: { color: TEXT, boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) { return bars[items[0].dataIndex].title; },
              label: function (item) {
                var value = full ? full.format(item.raw) + " " + money : item.formattedValue;
                return series.length > 1 ? item.dataset.label + ": " + value : value;
              },
            },
          },
        },
        scales: {
          x: { grid: { color: vertical ? "transparent" : GRID }, ticks: vertical ? categoryTicks : valueTicks, beginAtZero: true },
          y: { grid: { color: vertical ? GRID : "transparent" }, ticks: vertical ? valueTicks : categoryTicks, beginAtZero: true },
        },
      },
    });
  }

  function enhance(root) {
    (root || document).querySelectorAll("figure[data-chart]").forEach(drawChart);
  }

  function destroyCharts(root) {
    if (!window.Chart || !root) return;
    root.querySelectorAll("figure[data-chart] canvas").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  }

  // The filter panel shows the state in the address, always: after an htmx swap, and after
  // Back or Forward (htmx restores a snapshot whose controls still hold the values the page
  // was first rendered with). The control being typed in is left alone.
  function syncForm() {
    var form = document.getElementById("filter-form");
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (control) {
      if (!control.name || control.type === "hidden" || control.type === "submit") return;
      if (control === document.activeElement) return;
      var value = params.getAll(control.name).join(",");
      if (control.tagName === "SELECT") {
        var known = Array.prototype.some.call(control.options, function (option) { return option.value === value; });
        if (!known) {  // a value no option has: shown as chosen, matching nothing
          var option = document.createElement("option");
          option.value = value;
          option.textContent = (form.dataset.unknownLabel || "%(value)s").replace("%(value)s", value);
          control.appendChild(option);
        }
      }
      control.value = value;
    });
    var ordering = params.get("ordering");
    var input = form.querySelector("input[name=ordering]");
    if (ordering) {
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = "ordering";
        form.appendChild(input);
      }
      input.value = ordering;
    } else if (input) {
      input.remove();
    }
    // Mark the controls the server refused (the errors are listed in #results).
    var errors = document.querySelector("[data-filter-errors]");
    var refused = errors ? errors.dataset.filterErrors.split(" ") : [];
    Array.prototype.forEach.call(form.elements, function (control) {
      if (!control.name || control.type === "hidden") return;
      if (refused.indexOf(control.name) >= 0) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", "filter-errors");
      } else {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      }
    });
  }

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      // htmx may have changed the address since the page was rendered: come back to the current one.
      var next = select.form.querySelector("input[name=next]");
      if (next) next.value = window.location.pathname + window.location.search;
      select.form.submit();
    });
  });

  if (window.htmx) {
    window.htmx.onLoad(enhance);
    document.body.addEventListener("htmx:beforeSwap", function (event) { destroyCharts(event.detail.target); });
    // Keep shared URLs short: drop the filters left empty (the server ignores them too).
    document.body.addEventListener("htmx:configRequest", function (event) {
      var params = event.detail.parameters;
      Object.keys(params).forEach(function (name) {
        if (params[name] === "") delete params[name];
      });
    });
    document.body.addEventListener("htmx:pushedIntoHistory", syncForm);
    document.body.addEventListener("htmx:afterSettle", syncForm);
    document.body.addEventListener("htmx:historyRestore", function () { syncForm(); enhance(document); });
    window.addEventListener("popstate", function () { window.setTimeout(syncForm, 0); });
  } else {
    enhance(document);
  }
})();
