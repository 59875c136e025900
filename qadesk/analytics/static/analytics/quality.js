// Quality report chart. By group: IQS bars with 95 % interval whiskers, bars below the pass mark in red, groups not
// conclusive faint. By period: one line per series (all reviews, or one per team/agent) as straight segments between
// real points, a gap where a period has no reviews, each with its interval as a band; points below the pass mark in
// red. The pass mark is a dashed line on both. Data comes from the page's json_script block "report-data" (labels
// already in the reader's language); Chart.js is vendored.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var canvas = document.getElementById("quality-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var text = data.text;
  var locale = document.documentElement.lang || undefined;
  var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  var bad = "rgb(180, 35, 24)";
  var solid = "rgba(37, 99, 235, 0.8)";
  var faint = "rgba(148, 163, 184, 0.6)";
  var palette = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#475569"];
  var passMarkLine = function (length) {
    return {
      type: "line", label: text.passMark, data: new Array(length).fill(data.passMark), borderColor: "rgba(180, 35, 24, 0.7)",
      borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, fill: false, order: 0,
    };
  };
  var interval = function (low, high) {
    return low === null || high === null ? null : text.ci + ": " + number.format(low) + "–" + number.format(high);
  };

  if (data.by === "period") {
    var series = data.series || [];
    var labels = series.length ? series[0].labels : [];
    var datasets = [];
    series.forEach(function (s, k) {
      var colour = palette[k % palette.length];
      var band = colour + "22";
      datasets.push({ label: s.label + " · " + text.ci, data: s.ciHigh, borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: band, band: true });
      datasets.push({ label: s.label + " · " + text.ci, data: s.ciLow, borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: band, band: true });
      var points = s.below.map(function (below) { return below ? bad : colour; });
      datasets.push({
        label: s.label, data: s.iqs, borderColor: colour, backgroundColor: colour, tension: 0, spanGaps: false, fill: false,
        pointRadius: 4, pointBackgroundColor: points, pointBorderColor: points, series: s,
      });
    });
    datasets.push(passMarkLine(labels.length));
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, locale: locale,
        scales: { y: { min: 0, max: 100, title: { display: true, text: text.iqs } } },
        plugins: {
          legend: { display: true, position: "bottom", labels: { boxWidth: 12, filter: function (item, chart) {
            return !chart.datasets[item.datasetIndex].band;
          } } },
          tooltip: {
            filter: function (item) { return !!item.dataset.series; },
            callbacks: {
              afterLabel: function (item) {
                var s = item.dataset.series, i = item.dataIndex;
                var lines = [text.n + " = " + s.n[i]];
                var ci = interval(s.ciLow[i], s.ciHigh[i]);
                if (ci) lines.push(ci);
                return lines;
              },
            },
          },
        },
      },
    });
    return;
  }

  var groups = data.groups;
  // Draws a vertical whisker from ci_low to ci_high over each bar.
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
  var colours = groups.map(function (g) { return !g.conclusive ? faint : g.below ? bad : solid; });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: groups.map(function (g) { return g.label; }),
      datasets: [
        { label: text.iqs, data: groups.map(function (g) { return g.iqs; }), backgroundColor: colours, borderColor: colours, order: 1 },
        passMarkLine(groups.length),
      ],
    },
    options: {
      responsive: true, locale: locale,
      scales: { y: { min: 0, max: 100, title: { display: true, text: text.iqs } } },
      plugins: {
        legend: { display: false },
        tooltip: {
          filter: function (item) { return item.datasetIndex === 0; },
          callbacks: {
            afterLabel: function (item) {
              var g = groups[item.dataIndex];
              var lines = [text.n + " = " + g.n];
              var ci = interval(g.ci_low, g.ci_high);
              if (ci) lines.push(ci);
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
