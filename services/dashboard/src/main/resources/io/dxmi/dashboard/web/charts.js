// Line charts on uPlot (served from its WebJar): tooltips, drag-to-zoom (double-click resets) and legends whose
// entries toggle their series. Each chart element carries data-points (finite points drawn), data-series and
// data-last (the newest value of the first series) for the browser test.
(function () {
  'use strict';

  // Tableau 10 then its light variants: 20 distinguishable colours; beyond that, hues by the golden angle,
  // so no two series of one chart ever share a colour.
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2',
    '#c7c7c7', '#dbdb8d', '#9edae5'];

  function colour(i) {
    return i < PALETTE.length ? PALETTE[i] : 'hsl(' + Math.round((i * 137.508) % 360) + ', 60%, 45%)';
  }

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) { return '–'; }
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) { return v.toExponential(2); }
    return String(Number(a >= 1 ? v.toFixed(3) : v.toPrecision(3)));
  }

  /** Series [{name, points: [[x, y], …]}] on one sorted x axis: [xs, ys…] with null where a series has no point. */
  function align(series) {
    var xs = {};
    series.forEach(function (s) { s.points.forEach(function (p) { if (isFinite(p[0])) { xs[p[0]] = true; } }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    x.forEach(function (v, i) { index[v] = i; });
    var data = [x];
    series.forEach(function (s) {
      var ys = new Array(x.length).fill(null);
      s.points.forEach(function (p) {
        if (isFinite(p[0]) && p[1] !== null && isFinite(p[1])) { ys[index[p[0]]] = p[1]; }
      });
      data.push(ys);
    });
    return data;
  }

  /** A floating box at the cursor with the x value and each shown series' value there. */
  function tooltipPlugin(xLabel) {
    var tip;
    return {
      hooks: {
        init: function (u) {
          tip = document.createElement('div');
          tip.className = 'chart-tip';
          tip.hidden = true;
          u.over.appendChild(tip);
          u.over.addEventListener('mouseleave', function () { tip.hidden = true; });
        },
        setCursor: function (u) {
          var i = u.cursor.idx;
          if (i === null || i === undefined || u.cursor.left < 0) { tip.hidden = true; return; }
          var rows = ['<b>' + xLabel + ' ' + fmt(u.data[0][i]) + '</b>'];
          u.series.forEach(function (s, k) {
            if (k > 0 && s.show && u.data[k][i] !== null && u.data[k][i] !== undefined) {
              rows.push('<span style="color:' + s.stroke() + '">\u25cf</span> ' + s.label + ' ' + fmt(u.data[k][i]));
            }
          });
          tip.innerHTML = rows.join('<br>');
          tip.hidden = false;
          var left = u.cursor.left + 12, top = u.cursor.top + 12;
          if (left + tip.offsetWidth > u.over.clientWidth) { left = u.cursor.left - tip.offsetWidth - 12; }
          if (top + tip.offsetHeight > u.over.clientHeight) { top = u.cursor.top - tip.offsetHeight - 12; }
          tip.style.left = left + 'px';
          tip.style.top = top + 'px';
        }
      }
    };
  }

  /**
   * A chart in element el: update(series) draws [{name, points}] (a new uPlot when the series' names change,
   * else new data, keeping the user's zoom and hidden series). opts: {xLabel, yLabel, empty, height, yMin}.
   */
  function LineChart(el, opts) {
    this.el = el;
    this.opts = opts;
    this.plot = null;
    this.names = '';
    this.note = document.createElement('div');
    this.note.className = 'chart-empty';
    this.note.textContent = opts.empty || 'waiting for data…';
    el.appendChild(this.note);
    el.dataset.points = '0';
    el.dataset.series = '0';
    // A chart drawn while its panel is hidden (pretraining, a tab not shown) gets the minimum width: follow the
    // element's own size, not only the window's, so that it fills its panel once that is laid out.
    if (window.ResizeObserver) {
      var self = this;
      new ResizeObserver(function () {
        if (self.plot && Math.abs(self.plot.width - Math.max(200, el.clientWidth)) > 1) { self.resize(); }
      }).observe(el);
    }
  }

  LineChart.prototype.update = function (series) {
    var el = this.el, opts = this.opts, data = align(series);
    var points = 0;
    for (var k = 1; k < data.length; k++) { data[k].forEach(function (v) { if (v !== null) { points++; } }); }
    el.dataset.points = String(points);
    el.dataset.series = String(series.length);
    var first = data.length > 1 ? data[1].filter(function (v) { return v !== null; }) : [];
    el.dataset.last = first.length ? String(first[first.length - 1]) : '';
    this.note.hidden = points > 0;
    var names = series.map(function (s) { return s.name; }).join('\u0000');
    if (this.plot && names === this.names) {
      this.plot.setData(data, !this.zoomed());
      return;
    }
    if (this.plot) { this.plot.destroy(); }
    this.names = names;
    var yRange = opts.yMin === undefined ? undefined : function (u, lo, hi) {
      var top = hi > opts.yMin ? hi : opts.yMin + 1;
      return [Math.min(lo, opts.yMin), top + (top - Math.min(lo, opts.yMin)) * 0.05];
    };
    this.plot = new uPlot({
      width: Math.max(200, el.clientWidth), height: opts.height || 240,
      scales: { x: { time: false }, y: yRange ? { range: yRange } : {} },
      axes: [{ label: opts.xLabel || 'iteration', labelSize: 20, size: 36 },
        { label: opts.yLabel || '', labelSize: opts.yLabel ? 20 : 0, size: 56 }],
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      legend: { live: false },
      plugins: [tooltipPlugin(opts.xLabel || 'iteration')],
      series: [{ label: opts.xLabel || 'iteration' }].concat(series.map(function (s, i) {
        return { label: s.name, stroke: s.color || colour(i), width: 1.8, spanGaps: true,
          points: { show: data[0].length <= 60, size: 6, fill: s.color || colour(i) } };
      }))
    }, data, el);
    el.appendChild(this.note);
  };

  /** Whether the user has zoomed in (then new data keeps the zoom). */
  LineChart.prototype.zoomed = function () {
    var u = this.plot, x = u.data[0];
    if (!x.length) { return false; }
    return u.scales.x.min > x[0] || u.scales.x.max < x[x.length - 1];
  };

  LineChart.prototype.resize = function () {
    if (this.plot) { this.plot.setSize({ width: Math.max(200, this.el.clientWidth), height: this.opts.height || 240 }); }
  };

  window.DxmiCharts = { LineChart: LineChart, colour: colour, align: align };
}());
