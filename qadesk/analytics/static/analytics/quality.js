// Quality report chart: IQS per group as bars with 95 % interval whiskers, or a line over time for
// by=period. Data comes from the page's json_script block "report-data"; Chart.js is vendored.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var canvas = document.getElementById("quality-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var groups = data.groups;
  var text = data.text;
  var solid = "rgba(37, 99, 235, 0.8)";
  var faint = "rgba(148, 163, 184, 0.6)";

  // Draws a vertical whisker from ci_low to ci_high over each bar or point.
  var whiskers = {
    id: "qadeskWhiskers",
    afterDatasetsDraw: function (chart) {
      var meta = chart.getDatasetMeta(0);
      var y = chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#1f2937";
      ctx.lineWidth = 1.5;
      groups.forEach(function (g, i) {
        if (g.ci_low === null || g.ci_high === null || !meta.data[i]) return;
        var x = meta.data[i].x;
        var top = y.getPixelForValue(g.ci_high);
        var bottom = y.getPixelForValue(g.ci_low);
        ctx.beginPath();
        ctx.moveTo(x, top); ctx.lineTo(x, bottom);
        ctx.moveTo(x - 5, top); ctx.lineTo(x + 5, top);
        ctx.moveTo(x - 5, bottom); ctx.lineTo(x + 5, bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
  };

  var isPeriod = data.by === "period";
  new Chart(canvas, {
    type: isPeriod ? "line" : "bar",
    data: {
      labels: groups.map(function (g) { return g.label; }),
      datasets: [{
        label: text.iqs,
        data: groups.map(function (g) { return g.iqs; }),
        backgroundColor: groups.map(function (g) { return g.conclusive ? solid : faint; }),
        borderColor: solid,
        pointBackgroundColor: groups.map(function (g) { return g.conclusive ? solid : faint; }),
      }],
    },
    options: {
      responsive: true,
      scales: { y: { min: 0, max: 100, title: { display: true, text: text.iqs } } },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            afterLabel: function (item) {
              var g = groups[item.dataIndex];
              var lines = [text.n + " = " + g.n];
              if (g.ci_low !== null) lines.push(text.ci + ": " + g.ci_low + "–" + g.ci_high);
              if (!g.conclusive) lines.push(text.notConclusive);
              return lines;
            },
          },
        },
      },
    },
    plugins: [whiskers],
  });
})();
