// "My reviews" trend: the agent's IQS per week or month as straight segments between real points (no smoothing that
// overshoots), a gap for a period without reviews, the 95 % interval as a band, points below the pass mark in red and
// the pass mark as a dashed line. Labels come localised from the server ("trend-data", analytics/charts.py).
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var locale = document.documentElement.lang || undefined;
  var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  var accent = "rgb(47, 85, 212)";
  var bad = "rgb(180, 35, 24)";
  var pointColours = data.below.map(function (below) { return below ? bad : accent; });
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.text.ci, data: data.ciHigh, borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false,
          backgroundColor: "rgba(47, 85, 212, 0.12)",
        },
        {
          label: data.text.ci, data: data.ciLow, borderWidth: 0, pointRadius: 0, fill: "-1", spanGaps: false,
          backgroundColor: "rgba(47, 85, 212, 0.12)",
        },
        {
          label: data.text.iqs, data: data.iqs, borderColor: accent, tension: 0, spanGaps: false, fill: false,
          pointRadius: 4, pointBackgroundColor: pointColours, pointBorderColor: pointColours,
        },
        {
          label: data.text.passMark, data: data.labels.map(function () { return data.passMark; }),
          borderColor: "rgba(180, 35, 24, 0.7)", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, fill: false,
        },
      ],
    },
    options: {
      responsive: true,
      locale: locale,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, ticks: { stepSize: 20 } } },
      plugins: {
        legend: {
          display: true, position: "bottom",
          labels: { boxWidth: 12, filter: function (item) { return item.datasetIndex >= 2; } },
        },
        tooltip: {
          filter: function (item) { return item.datasetIndex === 2; },
          callbacks: {
            afterLabel: function (item) {
              var i = item.dataIndex;
              var lines = [data.text.n + " = " + data.n[i]];
              if (data.ciLow[i] !== null) {
                lines.push(data.text.ci + ": " + number.format(data.ciLow[i]) + "–" + number.format(data.ciHigh[i]));
              }
              return lines;
            },
          },
        },
      },
    },
  });
})();
