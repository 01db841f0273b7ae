/* The commune page's chart: criteria met over time, one line per criteria set.
 *
 * Progressive: the figures come from the json_script the page embeds, and the table under the
 * chart holds the same data, so nothing is lost when Chart.js or this file fails to load.
 */
(function () {
  "use strict";

  // Bootstrap's success, primary, orange, purple, pink and teal: distinct on white and in print.
  var COLORS = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#d63384", "#20c997"];

  function draw() {
    var canvas = document.getElementById("commune-chart");
    var source = document.getElementById("commune-chart-data");
    if (!canvas || !source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var most = 0;
    data.datasets.forEach(function (set) {
      set.totals.forEach(function (total) { most = Math.max(most, total || 0); });
    });
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          var color = COLORS[i % COLORS.length];
          return {
            label: set.label,
            data: set.data,
            totals: set.totals,
            borderColor: color,
            backgroundColor: color,
            pointRadius: 4,
            // Dates of the other sets are null here: join this set's own points across them.
            spanGaps: true,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        // No animation: the figures are read, not watched, and office machines are often slow.
        animation: false,
        scales: {
          y: {
            beginAtZero: true,
            // A round top just above the largest set's number of criteria (20 for 19).
            suggestedMax: most || undefined,
            ticks: { precision: 0 },
            title: { display: true, text: data.yTitle },
          },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + item.parsed.y + "/" + item.dataset.totals[item.dataIndex];
              },
            },
          },
        },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
