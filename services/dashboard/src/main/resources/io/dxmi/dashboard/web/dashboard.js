// The DxMI dashboard page: keeps a mirror of the server's state (window.dashboardState), fed by
// Server-Sent Events from /events, and draws every curve itself on <canvas> (no library, no CDN:
// the machines running this are often offline).
(function () {
  'use strict';

  var PALETTE = ['#2f6fdf', '#e4572e', '#17a398', '#f3a712', '#8e44ad', '#5c6b73', '#d81b60', '#43a047'];
  var FIGURE_TITLES = {
    'samples-energy.png': 'Samples over the learned energy',
    'value-steps.png': 'Value function per step',
    'energy-true-vs-learned.png': 'True vs learned energy',
    'metric-curves.png': 'Metric curves'
  };
  var MAX_POINTS = 4000;

  var state = {
    run: null, plan: null, reports: [], services: [], progress: {}, losses: {}, sigma: {},
    figures: { version: 0, files: {} }, skipped: 0, hasRunDir: false,
    clockOffset: 0, connected: false, events: 0
  };
  window.dashboardState = state;

  function $(id) { return document.getElementById(id); }

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return '–'; }
    var a = Math.abs(v), d = digits === undefined ? 4 : digits;
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) { return v.toExponential(2); }
    return String(Number(a >= 1 ? v.toFixed(d) : v.toPrecision(d)));
  }
  function fixed(v, d) { return v === null || v === undefined || !isFinite(v) ? '–' : v.toFixed(d); }
  function int(v) { return v === null || v === undefined || !isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function clock(ms) {
    if (!ms) { return '–'; }
    var d = new Date(ms);
    return d.toLocaleDateString('en-CA') + ' ' + d.toLocaleTimeString('en-GB');
  }
  function age(ms) {
    if (!ms) { return 'never'; }
    var s = Math.max(0, (Date.now() - state.clockOffset - ms) / 1000);
    if (s < 1) { return 'just now'; }
    if (s < 90) { return s.toFixed(0) + ' s ago'; }
    if (s < 5400) { return (s / 60).toFixed(0) + ' min ago'; }
    return (s / 3600).toFixed(1) + ' h ago';
  }
  function duration(s) {
    if (!isFinite(s) || s < 0) { return ''; }
    if (s < 90) { return Math.round(s) + ' s'; }
    if (s < 5400) { return Math.round(s / 60) + ' min'; }
    return (s / 3600).toFixed(1) + ' h';
  }

  // ---- charts ---------------------------------------------------------------------------------------

  function niceStep(range, count) {
    var raw = range / Math.max(1, count);
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var n = raw / mag;
    return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
  }
  function ticks(lo, hi, count) {
    var step = niceStep(hi - lo, count), out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) { out.push(Math.abs(v) < step * 1e-9 ? 0 : v); }
    return out;
  }
  function tickLabel(v, step) {
    if (Math.abs(v) >= 1e5) { return v.toExponential(1); }
    var d = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
    return v.toFixed(d);
  }

  /**
   * Draws line series on a canvas. series: [{name, color, points: [[x, y], ...]}].
   * opts: {xLabel, empty, yMin, yMax}. Sets data-points (points drawn, all series) and data-series.
   */
  function drawChart(canvas, series, opts) {
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || 600, h = canvas.clientHeight || 240;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    var g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.font = '11px system-ui, sans-serif';
    var drawn = 0, xs = [], ys = [];
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (isFinite(p[0]) && isFinite(p[1])) { xs.push(p[0]); ys.push(p[1]); }
      });
    });
    canvas.dataset.series = String(series.length);
    if (ys.length === 0) {
      canvas.dataset.points = '0';
      g.fillStyle = '#9aa3b2'; g.textAlign = 'center'; g.textBaseline = 'middle';
      g.font = '13px system-ui, sans-serif';
      g.fillText(opts.empty || 'waiting for data…', w / 2, h / 2);
      return;
    }
    var xMin = Math.min.apply(null, xs), xMax = Math.max.apply(null, xs);
    var yMin = Math.min.apply(null, ys), yMax = Math.max.apply(null, ys);
    if (opts.yMin !== undefined) { yMin = Math.min(yMin, opts.yMin); }
    if (opts.yMax !== undefined) { yMax = Math.max(yMax, opts.yMax); }
    if (xMax === xMin) { xMin -= 1; xMax += 1; }
    if (yMax === yMin) { var pad = Math.abs(yMin) * 0.1 || 1; yMin -= pad; yMax += pad; }
    var yPad = (yMax - yMin) * 0.06; yMin -= yPad; yMax += yPad;
    // The legend wraps into as many right-aligned rows as the series' names need.
    var legendRows = [];
    if (series.length > 1) {
      var row = [], rowWidth = 0, room = w - 58 - 12;
      series.forEach(function (s) {
        var itemWidth = g.measureText(s.name).width + 24;
        if (row.length > 0 && rowWidth + itemWidth > room) { legendRows.push(row); row = []; rowWidth = 0; }
        row.push(s); rowWidth += itemWidth;
      });
      legendRows.push(row);
    }
    var left = 58, right = 12, top = legendRows.length > 0 ? legendRows.length * 16 + 8 : 10, bottom = 30;
    var pw = w - left - right, ph = h - top - bottom;
    function X(v) { return left + (v - xMin) / (xMax - xMin) * pw; }
    function Y(v) { return top + (1 - (v - yMin) / (yMax - yMin)) * ph; }

    // grid and axes
    var yt = ticks(yMin, yMax, 5), ystep = yt.length > 1 ? yt[1] - yt[0] : 1;
    var xt = ticks(xMin, xMax, 6), xstep = xt.length > 1 ? xt[1] - xt[0] : 1;
    g.strokeStyle = '#edf0f5'; g.lineWidth = 1; g.fillStyle = '#6b7487';
    g.textAlign = 'right'; g.textBaseline = 'middle';
    yt.forEach(function (v) {
      var y = Math.round(Y(v)) + 0.5;
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + pw, y); g.stroke();
      g.fillText(tickLabel(v, ystep), left - 6, y);
    });
    g.textAlign = 'center'; g.textBaseline = 'top';
    xt.forEach(function (v) {
      var x = Math.round(X(v)) + 0.5;
      g.beginPath(); g.moveTo(x, top); g.lineTo(x, top + ph); g.stroke();
      g.fillText(tickLabel(v, xstep), x, top + ph + 6);
    });
    g.strokeStyle = '#c5ccd8';
    g.beginPath(); g.moveTo(left + 0.5, top); g.lineTo(left + 0.5, top + ph); g.lineTo(left + pw, top + ph + 0.5); g.stroke();
    if (opts.xLabel) { g.textAlign = 'right'; g.fillText(opts.xLabel, left + pw, top + ph + 18 > h - 12 ? h - 12 : top + ph + 18); }

    // lines
    series.forEach(function (s) {
      var pts = s.points.filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
      if (pts.length === 0) { return; }
      g.strokeStyle = s.color; g.fillStyle = s.color; g.lineWidth = 1.8; g.lineJoin = 'round';
      g.beginPath();
      pts.forEach(function (p, i) { if (i === 0) { g.moveTo(X(p[0]), Y(p[1])); } else { g.lineTo(X(p[0]), Y(p[1])); } });
      g.stroke();
      if (pts.length <= 60) {
        pts.forEach(function (p) { g.beginPath(); g.arc(X(p[0]), Y(p[1]), 3, 0, 2 * Math.PI); g.fill(); });
      }
      drawn += pts.length;
    });

    // legend
    g.textBaseline = 'middle'; g.textAlign = 'right'; g.font = '11px system-ui, sans-serif';
    legendRows.forEach(function (items, r) {
      var lx = left + pw, ly = 10 + r * 16;
      for (var i = items.length - 1; i >= 0; i--) {
        var label = items[i].name;
        g.fillStyle = '#39414f'; g.fillText(label, lx, ly);
        lx -= g.measureText(label).width + 6;
        g.fillStyle = items[i].color; g.fillRect(lx - 10, ly - 4, 10, 8);
        lx -= 18;
      }
    });
    canvas.dataset.points = String(drawn);
  }

  function reportSeries(metric) {
    return state.reports.map(function (r) { return [r.iteration, r.metrics[metric]]; })
      .filter(function (p) { return p[1] !== null && p[1] !== undefined; })
      .sort(function (a, b) { return a[0] - b[0]; });
  }
  function scrapeSeries(map, label) {
    return Object.keys(map).sort(function (a, b) {
      var na = Number(a), nb = Number(b);
      return isNaN(na) || isNaN(nb) ? a.localeCompare(b) : na - nb;
    }).map(function (k, i) {
      return {
        name: label ? label(k) : k, color: PALETTE[i % PALETTE.length],
        points: map[k].map(function (p, j) { return [p[1] === null ? j : p[1], p[2]]; })
      };
    });
  }

  function renderCharts() {
    var sw = reportSeries('sw'), auc = reportSeries('auc');
    var swCanvas = $('chart-sw');
    drawChart(swCanvas, [{ name: 'SW', color: PALETTE[0], points: sw }],
      { xLabel: 'iteration', empty: 'waiting for the first evaluation…', yMin: 0 });
    swCanvas.dataset.last = sw.length ? String(sw[sw.length - 1][1]) : '';
    drawChart($('chart-auc'), [{ name: 'AUC', color: PALETTE[2], points: auc }],
      { xLabel: 'iteration', empty: 'waiting for the first evaluation…' });
    drawChart($('chart-loss'), scrapeSeries(state.losses),
      { xLabel: 'iteration', empty: 'waiting for the learners\u2019 metrics…' });
    drawChart($('chart-sigma'), scrapeSeries(state.sigma, function (k) { return '\u03c3 step ' + k; }),
      { xLabel: 'iteration', empty: 'waiting for the value-learner\u2019s metrics…', yMin: 0 });
    var extra = {};
    state.reports.forEach(function (r) {
      Object.keys(r.metrics).forEach(function (m) { if (m !== 'sw' && m !== 'auc') { extra[m] = true; } });
    });
    var names = Object.keys(extra).sort();
    $('card-extra').hidden = names.length === 0;
    if (names.length) {
      drawChart($('chart-extra'), names.map(function (m, i) {
        return { name: m, color: PALETTE[(i + 3) % PALETTE.length], points: reportSeries(m) };
      }), { xLabel: 'iteration' });
    }
  }

  // ---- panels ---------------------------------------------------------------------------------------

  function renderPlan() {
    var p = state.plan;
    $('run-id').textContent = state.run || '';
    document.title = 'DxMI · ' + (state.run || 'dashboard');
    if (!p) { return; }
    var tau = p.tauEntropy === p.tauVelocity ? fmt(p.tauEntropy) : fmt(p.tauEntropy) + ' / ' + fmt(p.tauVelocity);
    $('plan-line').innerHTML = [
      'mode <b>' + esc(p.mode) + '</b>', 'data <b>' + esc(p.data) + '</b>', 'T = <b>' + p.steps + '</b>',
      '\u03c4 = <b>' + tau + '</b>', '<b>' + int(p.iterations) + '</b> iterations', 'batch <b>' + p.batch + '</b>',
      'evaluation every <b>' + p.evalEvery + '</b>', 'started <b>' + esc(clock(p.publishedAt)) + '</b>'
    ].join(' &nbsp;·&nbsp; ');
    $('config').textContent = JSON.stringify(p.config, null, 2);
  }

  function renderProgress() {
    var pr = state.progress || {}, total = pr.total || (state.plan && state.plan.iterations);
    var it = pr.iteration;
    var text = 'iteration ' + int(it) + (total ? ' / ' + int(total) : '');
    var frac = total && isFinite(it) && it !== null ? Math.min(1, it / total) : 0;
    if (total && it !== null && it >= total) { text += ' — done'; }
    $('progress-text').textContent = text;
    $('progress-fill').style.width = (frac * 100).toFixed(1) + '%';
    var rate = pr.iterationsPerSecond, rateText = '';
    if (total && it !== null && it >= total) {
      rateText = 'finished';
    } else if (rate !== null && rate !== undefined && isFinite(rate)) {
      rateText = rate.toFixed(1) + ' it/s';
      if (total && it < total && rate > 0) { rateText += ' · about ' + duration((total - it) / rate) + ' left'; }
    }
    $('rate-text').textContent = rateText;
  }

  function renderKpis() {
    var n = state.reports.length;
    $('kpi-evals').textContent = String(n);
    if (!n) { return; }
    var sorted = state.reports.slice().sort(function (a, b) { return a.iteration - b.iteration; });
    var last = sorted[n - 1];
    $('kpi-sw').textContent = fmt(last.metrics.sw);
    $('kpi-auc').textContent = fmt(last.metrics.auc);
    $('kpi-sw-sub').textContent = 'at iteration ' + int(last.iteration);
    $('kpi-auc-sub').textContent = 'at iteration ' + int(last.iteration);
    $('kpi-evals-sub').textContent = 'newest ' + age(last.createdAt);
  }

  function renderReports() {
    var body = $('reports-body');
    if (!state.reports.length) { return; }
    var rows = state.reports.slice().sort(function (a, b) { return b.iteration - a.iteration || b.offset - a.offset; })
      .slice(0, 12).map(function (r) {
        var other = Object.keys(r.metrics).filter(function (m) { return m !== 'sw' && m !== 'auc'; })
          .map(function (m) { return esc(m) + ' ' + fmt(r.metrics[m]); }).join(', ');
        return '<tr><td class="num">' + int(r.iteration) + '</td><td class="num">' + fmt(r.metrics.sw) +
          '</td><td class="num">' + fmt(r.metrics.auc) + '</td><td>' + (other || '–') + '</td><td class="num">' +
          int(r.policyVersion) + '</td><td class="num">' + int(r.ebmVersion) + '</td><td>' + esc(r.evaluator) +
          '</td><td>' + esc(clock(r.createdAt)) + '</td></tr>';
      });
    body.innerHTML = rows.join('');
  }

  function renderServices() {
    var body = $('services-body');
    if (!state.services.length) { return; }
    body.innerHTML = state.services.map(function (s) {
      var values = [];
      Object.keys(s.losses || {}).forEach(function (k) { values.push('<span><i>' + esc(k) + '</i> ' + fmt(s.losses[k]) + '</span>'); });
      if (s.eval && s.eval.sw !== null) { values.push('<span><i>eval sw</i> ' + fmt(s.eval.sw) + '</span>'); }
      if (s.eval && s.eval.auc !== null) { values.push('<span><i>eval auc</i> ' + fmt(s.eval.auc) + '</span>'); }
      var sig = Object.keys(s.sigma || {});
      if (sig.length) {
        values.push('<span><i>\u03c3</i> ' + sig.map(function (k) { return fmt(s.sigma[k], 3); }).join(' ') + '</span>');
      }
      if (s.memoryBytes) { values.push('<span><i>RSS</i> ' + (s.memoryBytes / 1048576).toFixed(0) + ' MiB</span>'); }
      if (s.deadLetters) { values.push('<span><i>dead letters</i> ' + int(s.deadLetters) + '</span>'); }
      var status = s.up ? '<span class="badge up">up</span>'
        : '<span class="badge down">down</span><div class="svc-error">' + esc(s.error || '') + '</div>';
      return '<tr data-service="' + esc(s.name) + '" data-up="' + s.up + '" data-iteration="' +
        (s.iteration === null ? '' : s.iteration) + '"><td><div class="svc-name">' + esc(s.name) +
        '</div><div class="svc-url"><a href="' + esc(s.url) + '" target="_blank">' + esc(s.url) + '</a></div></td><td>' +
        status + '</td><td>' + age(s.lastOk) + '</td><td class="num">' + int(s.iteration) + '</td><td class="num">' +
        int(s.policyVersion) + '</td><td class="num">' + int(s.ebmVersion) + '</td><td class="num">' +
        (s.stalenessMean === null ? '–' : fixed(s.stalenessMean, 2)) + '</td><td class="values">' +
        (values.join('') || '–') + '</td></tr>';
    }).join('');
  }

  function renderFigures() {
    var box = $('figures'), f = state.figures || { files: {} };
    $('figures-note').textContent = state.hasRunDir ? 'from the evaluator, refreshed with each evaluation'
      : 'no run directory was given to this dashboard';
    var names = Object.keys(FIGURE_TITLES);
    if (!box.children.length) {
      box.innerHTML = names.map(function (n) {
        return '<div class="figure" data-name="' + n + '"><div class="frame"></div><div class="caption"><b>' +
          esc(FIGURE_TITLES[n]) + '</b><span class="when"></span></div></div>';
      }).join('');
    }
    names.forEach(function (n) {
      var el = box.querySelector('[data-name="' + n + '"]'), frame = el.querySelector('.frame');
      var mtime = f.files ? f.files[n] : null;
      var key = mtime ? mtime + '-' + f.version : null;
      if (el.dataset.key === String(key)) { return; }
      el.dataset.key = String(key);
      el.querySelector('.when').textContent = mtime ? new Date(mtime).toLocaleTimeString('en-GB') : '';
      if (!mtime) {
        frame.innerHTML = '<div class="placeholder">' + esc(n) + '<br>not written yet</div>';
        return;
      }
      // Load off-screen first, so the old figure stays until the new one is complete (no flicker).
      var img = new Image();
      img.alt = FIGURE_TITLES[n];
      img.onload = function () { frame.innerHTML = ''; frame.appendChild(img); };
      img.onerror = function () { if (!frame.querySelector('img')) { frame.innerHTML = '<div class="placeholder">' + esc(n) + '<br>not available</div>'; } };
      img.onclick = function () { zoom(img.src); };
      img.src = '/figures/' + n + '?v=' + encodeURIComponent(key);
    });
  }

  function zoom(src) {
    var d = document.createElement('div');
    d.className = 'zoom';
    d.innerHTML = '<img src="' + esc(src) + '">';
    d.onclick = function () { d.remove(); };
    document.body.appendChild(d);
  }

  function renderFooter() {
    $('footer').textContent = 'Live via Server-Sent Events from ' + location.host + ' · ' + state.events +
      ' updates received · ' + state.skipped + ' malformed messages skipped';
  }

  function renderAll() {
    renderPlan(); renderProgress(); renderKpis(); renderCharts(); renderReports(); renderServices();
    renderFigures(); renderFooter();
  }

  function appendPoints(target, points) {
    Object.keys(points || {}).forEach(function (k) {
      var s = target[k] || (target[k] = []);
      s.push(points[k]);
      if (s.length > MAX_POINTS) { target[k] = s.filter(function (p, i) { return i % 2 === 0 || i === s.length - 1; }); }
    });
  }

  // ---- live updates ---------------------------------------------------------------------------------

  function setLive(on, text) {
    state.connected = on;
    $('live').className = 'live ' + (on ? 'on' : 'off');
    $('live-text').textContent = text;
  }

  function connect() {
    var es = new EventSource('/events');
    es.onopen = function () { setLive(true, 'live'); };
    es.onerror = function () { setLive(false, 'reconnecting…'); };
    es.addEventListener('state', function (e) {
      var s = JSON.parse(e.data);
      state.run = s.run; state.plan = s.plan; state.reports = s.reports; state.services = s.services;
      state.progress = s.progress; state.losses = s.losses; state.sigma = s.sigma; state.figures = s.figures;
      state.skipped = s.skipped; state.hasRunDir = s.hasRunDir; state.clockOffset = Date.now() - s.serverTime;
      state.events++;
      setLive(true, 'live');
      renderAll();
    });
    es.addEventListener('plan', function (e) {
      state.plan = JSON.parse(e.data); state.events++;
      renderPlan(); renderProgress();
    });
    es.addEventListener('evaluation', function (e) {
      state.reports.push(JSON.parse(e.data)); state.events++;
      renderKpis(); renderCharts(); renderReports(); renderFooter();
    });
    es.addEventListener('scrape', function (e) {
      var s = JSON.parse(e.data);
      state.services = s.services; state.progress = s.progress; state.skipped = s.skipped;
      state.clockOffset = Date.now() - s.serverTime; state.events++;
      appendPoints(state.losses, s.losses); appendPoints(state.sigma, s.sigma);
      renderProgress(); renderServices(); renderFooter(); renderKpis();
      if (Object.keys(s.losses).length || Object.keys(s.sigma).length) { renderCharts(); }
    });
    es.addEventListener('figures', function (e) {
      state.figures = JSON.parse(e.data); state.events++;
      renderFigures();
    });
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(renderCharts, 100);
  });
  renderAll();
  connect();
}());
