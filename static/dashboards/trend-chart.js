/* The trend page's chart: average criteria met per commune (left axis) and communes reaching the
 * standard (right axis) at the end of each period.
 *
 * Progressive: the data come from the json_script the page embeds, and the table under the chart
 * holds the same figures, so nothing is lost when Chart.js or this file fails to load.
 */
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-chart-data");
    if (!canvas || !source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.averageLabel, data: data.average, yAxisID: "y", borderColor: "#198754", backgroundColor: "#198754", pointRadius: 3 },
          { label: data.reachingLabel, data: data.reaching, yAxisID: "y1", borderColor: "#0d6efd", backgroundColor: "#0d6efd", pointRadius: 3, borderDash: [6, 4] },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // Numbers as the page's language writes them (15,3 in Vietnamese).
        locale: document.documentElement.lang || "vi",
        scales: {
          y: { beginAtZero: true, position: "left", max: data.criteriaTotal || undefined, title: { display: true, text: data.averageLabel } },
          y1: { beginAtZero: true, position: "right", ticks: { precision: 0 }, grid: { drawOnChartArea: false },
                title: { display: true, text: data.reachingLabel } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
