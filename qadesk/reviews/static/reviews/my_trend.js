// "My reviews" trend: the agent's IQS per week or month as a line, with n in the tooltip and the pass mark as a
// dashed line. Data comes from the page's json_script block "trend-data"; Chart.js is vendored.
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var accent = "rgb(47, 85, 212)";
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.text.iqs, data: data.iqs, borderColor: accent, backgroundColor: "rgba(47, 85, 212, 0.12)",
          fill: true, tension: 0.25, pointRadius: 4, pointBackgroundColor: accent,
        },
        {
          label: data.text.passMark, data: data.labels.map(function () { return data.passMark; }),
          borderColor: "rgba(180, 35, 24, 0.7)", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, fill: false,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, ticks: { stepSize: 20 } } },
      plugins: {
        legend: { display: true, position: "bottom", labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            afterLabel: function (item) {
              return item.datasetIndex === 0 ? data.text.n + " = " + data.n[item.dataIndex] : "";
            },
          },
        },
      },
    },
  });
})();
