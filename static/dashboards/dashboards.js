/* Progressive enhancement of the dashboards: every page works without this file.
 * - draws the server-rendered bar tables as Chart.js charts (the table stays for screen readers);
 * - htmx (hx-* attributes in the templates) swaps #results when filters change;
 * - submits the language switcher on change. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var ACCENT = "#1d4ed8";
  var GRID = "#e5e9ef";
  var TEXT = "#344054";

  function readBars(table) {
    var rows = table.querySelectorAll("tbody tr");
    return Array.prototype.map.call(rows, function (row) {
      return { label: row.dataset.label, title: row.dataset.title, value: Number(row.dataset.value) };
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
    if (!vertical) holder.style.height = Math.max(120, 30 * bars.length + 40) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.map(function (b) { return b.label; }),
        datasets: [{
          label: figure.querySelector(".chart__title").textContent.trim(),
          data: bars.map(function (b) { return b.value; }),
          backgroundColor: ACCENT,
          borderRadius: 4,
          maxBarThickness: 28,
        }],
      },
      options: {
        indexAxis: vertical ? "x" : "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) { return bars[items[0].dataIndex].title; },
            },
          },
        },
        scales: {
          x: { grid: { color: vertical ? "transparent" : GRID }, ticks: { color: TEXT, precision: 0 }, beginAtZero: true },
          y: { grid: { color: vertical ? GRID : "transparent" }, ticks: { color: TEXT, precision: 0 }, beginAtZero: true },
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

  function syncOrdering() {
    var form = document.getElementById("filter-form");
    if (!form) return;
    var ordering = new URLSearchParams(window.location.search).get("ordering");
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
    document.body.addEventListener("htmx:pushedIntoHistory", syncOrdering);
    document.body.addEventListener("htmx:historyRestore", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
