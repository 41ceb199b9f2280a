// Draws each [data-chart] element with uPlot (served by the gateway) from the JSON beside it:
// { labels: [month…], series: [{ name, values: [number|null…] }], unit }. The table under the
// chart carries the same figures for keyboard and screen-reader users.
(function () {
  'use strict';
  var COLOURS = ['#b3261e', '#0b57d0', '#1b6e3a', '#8a5a00', '#6a3fb5', '#00838f', '#ad1457', '#5d4037', '#455a64', '#827717', '#283593', '#c62828'];
  function draw(box) {
    var id = box.getAttribute('data-chart');
    var el = document.getElementById(id + '-data');
    if (!el || typeof uPlot === 'undefined') return;
    var d = JSON.parse(el.textContent);
    var xs = d.labels.map(function (_, i) { return i; });
    var data = [xs].concat(d.series.map(function (s) { return s.values; }));
    var series = [{ label: '' }].concat(d.series.map(function (s, i) {
      return { label: s.name, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true, size: 6 }, spanGaps: false };
    }));
    var opts = {
      width: Math.max(320, box.clientWidth),
      height: 300,
      series: series,
      scales: { x: { time: false } },
      axes: [
        { values: function (u, splits) { return splits.map(function (v) { return d.labels[v] !== undefined && Number.isInteger(v) ? d.labels[v] : ''; }); }, incrs: [1] },
        { label: d.unit, size: 60 },
      ],
      legend: { live: false },
    };
    box.setAttribute('data-drawn', 'true');
    return new uPlot(opts, data, box);
  }
  function init() {
    var boxes = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < boxes.length; i++) draw(boxes[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
