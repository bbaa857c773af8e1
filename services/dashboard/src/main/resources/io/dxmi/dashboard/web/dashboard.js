// The DxMI dashboard page: keeps a mirror of the server's state (window.dashboardState), fed by Server-Sent
// Events from /events, and renders it. Charts are uPlot (charts.js); nothing comes from the internet. Each view
// is a panel {render(state)} in `panels`; a new view (an image run's samples, a cameras view) registers one
// with window.dxmiDashboard.register(panel) from its own script and gets every update.
(function () {
  'use strict';

  var MAX_POINTS = 4000;

  var state = {
    run: null, plan: null, reports: [], services: [], progress: {}, losses: {}, sigma: {},
    figures: { version: 0, files: {} }, pretrain: null, skipped: 0, hasRunDir: false, cameras: null,
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
  function mib(bytes) { return bytes >= 1073741824 ? (bytes / 1073741824).toFixed(2) + ' GiB' : (bytes / 1048576).toFixed(0) + ' MiB'; }

  // ---- metrics from the reports ---------------------------------------------------------------------

  function reportSeries(metric) {
    return state.reports.map(function (r) { return [r.iteration, r.metrics[metric]]; })
      .filter(function (p) { return p[1] !== null && p[1] !== undefined; })
      .sort(function (a, b) { return a[0] - b[0]; });
  }
  function scrapeSeries(map, label) {
    return Object.keys(map).sort(function (a, b) {
      var na = Number(a), nb = Number(b);
      return isNaN(na) || isNaN(nb) ? a.localeCompare(b) : na - nb;
    }).map(function (k) {
      return { name: label ? label(k) : k, points: map[k].map(function (p, j) { return [p[1] === null ? j : p[1], p[2]]; }) };
    });
  }
  /** Plug-in metric names (not sw, auc), sorted. */
  function pluginMetrics() {
    var extra = {};
    state.reports.forEach(function (r) {
      Object.keys(r.metrics).forEach(function (m) { if (m !== 'sw' && m !== 'auc') { extra[m] = true; } });
    });
    return Object.keys(extra).sort();
  }
  /**
   * Whether a plug-in metric is a share (a fraction in [0, 1]) rather than a count or another value: its name
   * (without the plug-in's prefix) says so, or all its values lie in [0, 1] and one is not a whole number. Shares and counts get separate charts.
   */
  function isShare(m) {
    if (/(^|_)(share|fraction|ratio|rate|coverage)/.test(splitName(m)[1])) { return true; }
    var vs = reportSeries(m).map(function (p) { return p[1]; });
    return vs.length > 0 && vs.every(function (v) { return v >= 0 && v <= 1; }) &&
      vs.some(function (v) { return v !== Math.round(v); });
  }
  /** The common plug-in prefix of a metric ("mode_coverage.share_mode_0" → ["mode_coverage", "share_mode_0"]). */
  function splitName(m) {
    var dot = m.indexOf('.');
    return dot < 0 ? ['', m] : [m.substring(0, dot), m.substring(dot + 1)];
  }

  // ---- charts -----------------------------------------------------------------------------------------

  var charts = {};
  function chart(id, opts) { return charts[id] || (charts[id] = new DxmiCharts.LineChart($(id), opts)); }

  function renderCharts() {
    chart('chart-sw', { yLabel: 'SW', empty: 'waiting for the first evaluation…', yMin: 0 })
      .update([{ name: 'SW', points: reportSeries('sw'), color: DxmiCharts.colour(0) }]);
    chart('chart-auc', { yLabel: 'AUC', empty: 'waiting for the first evaluation…' })
      .update([{ name: 'AUC', points: reportSeries('auc'), color: DxmiCharts.colour(1) }]);
    chart('chart-loss', { yLabel: 'loss', empty: 'waiting for the learners\u2019 metrics…' })
      .update(scrapeSeries(state.losses));
    chart('chart-sigma', { yLabel: '\u03c3', empty: 'waiting for the value-learner\u2019s metrics…', yMin: 0 })
      .update(scrapeSeries(state.sigma, function (k) { return '\u03c3 step ' + k; }));
    var names = pluginMetrics(), shares = names.filter(isShare), others = names.filter(function (m) { return !isShare(m); });
    [['card-shares', 'chart-shares', shares, 'share'], ['card-counts', 'chart-counts', others, 'value']].forEach(function (c) {
      $(c[0]).hidden = c[2].length === 0;
      if (c[2].length) {
        chart(c[1], { yLabel: c[3], yMin: 0 }).update(c[2].map(function (m) {
          return { name: splitName(m)[1], points: reportSeries(m) };
        }));
      }
    });
  }

  // ---- panels -------------------------------------------------------------------------------------------

  function renderPlan() {
    var p = state.plan;
    if (!state.run && state.cameras) { return; } // a dashboard of cameras only: its view says what it shows
    $('run-id').textContent = state.run || '';
    document.title = 'DxMI · ' + (state.run || 'dashboard');
    if (!p) {
      $('plan-line').textContent = state.pretrain ? 'pretraining the sampler; the run\u2019s plan is published when it is done'
        : 'waiting for the run plan…';
      return;
    }
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
    var it = pr.iteration, pre = state.pretrain;
    if ((it === null || it === undefined) && pre && !state.plan) {
      // Before the run: pretraining's progress in the same bar.
      $('progress-text').textContent = 'pretraining ' + int(pre.iteration) + ' / ' + int(pre.total);
      $('progress-fill').style.width = (pre.total ? Math.min(1, pre.iteration / pre.total) * 100 : 0).toFixed(1) + '%';
      var r = pre.itPerSecond;
      $('rate-text').textContent = r ? r.toFixed(0) + ' it/s · about ' + duration((pre.total - pre.iteration) / r) + ' left' : '';
      return;
    }
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

  function renderPretrain() {
    var pre = state.pretrain, card = $('card-pretrain');
    card.hidden = !pre;
    if (!pre) { return; }
    var done = pre.total && pre.iteration >= pre.total;
    $('pretrain-note').textContent = (done ? 'done: ' : '') + int(pre.iteration) + ' / ' + int(pre.total) +
      ' iterations · loss ' + fmt(pre.loss) + (pre.itPerSecond && !done ? ' · ' + pre.itPerSecond.toFixed(0) + ' it/s' : '');
    chart('chart-pretrain', { yLabel: 'loss', empty: 'waiting for pretraining\u2019s first report…' })
      .update([{ name: 'DDPM loss', points: pre.points.map(function (p) { return [p[1], p[2]]; }), color: DxmiCharts.colour(2) }]);
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
    if (!state.reports.length) { return; }
    var names = pluginMetrics();
    // Group header: one cell per plug-in over its metrics; metric headers without the plug-in's prefix.
    var groups = [];
    names.forEach(function (m) {
      var g = splitName(m)[0];
      if (groups.length && groups[groups.length - 1].name === g) { groups[groups.length - 1].n++; } else { groups.push({ name: g, n: 1 }); }
    });
    var head = '<tr><th colspan="3"></th>' + groups.map(function (g) {
      return '<th class="group" colspan="' + g.n + '">' + esc(g.name || 'plug-ins') + '</th>';
    }).join('') + '<th colspan="4"></th></tr><tr><th class="num">Iteration</th><th class="num">SW</th><th class="num">AUC</th>' +
      names.map(function (m) { return '<th class="num metric" title="' + esc(m) + '">' + esc(splitName(m)[1].replace(/_/g, ' ')) + '</th>'; }).join('') +
      '<th class="num">Policy v</th><th class="num">EBM v</th><th>Evaluator</th><th>Time</th></tr>';
    $('reports-head').innerHTML = names.length ? head : head.substring(head.indexOf('</tr>') + 5);
    var rows = state.reports.slice().sort(function (a, b) { return b.iteration - a.iteration || b.offset - a.offset; })
      .slice(0, 12).map(function (r) {
        return '<tr><td class="num">' + int(r.iteration) + '</td><td class="num">' + fmt(r.metrics.sw) +
          '</td><td class="num">' + fmt(r.metrics.auc) + '</td>' +
          names.map(function (m) { return '<td class="num">' + fmt(r.metrics[m], 3) + '</td>'; }).join('') +
          '<td class="num">' + int(r.policyVersion) + '</td><td class="num">' + int(r.ebmVersion) + '</td><td>' +
          esc(r.evaluator) + '</td><td>' + esc(clock(r.createdAt)) + '</td></tr>';
      });
    $('reports-body').innerHTML = rows.join('');
  }

  /** Services that report the same process (host and start time): services of one JVM share its memory. */
  function processes() {
    var by = {};
    state.services.forEach(function (s) { if (s.process) { (by[s.process] = by[s.process] || []).push(s.name); } });
    return by;
  }

  function renderServices() {
    var body = $('services-body');
    if (!state.services.length) { return; }
    var procs = processes(), shared = Object.keys(procs).filter(function (p) { return procs[p].length > 1; });
    var known = state.services.filter(function (s) { return s.process; }).length;
    $('services-note').textContent = shared.length === 1 && procs[shared[0]].length === known
      ? 'These services run in one process (the embedded run): the memory shown is that one process\u2019s, not each service\u2019s.'
      : shared.length ? 'Services marked \u201cshared\u201d run in one process and show that process\u2019s memory.' : '';
    body.innerHTML = state.services.map(function (s) {
      var values = [];
      Object.keys(s.losses || {}).forEach(function (k) { values.push('<span><i>' + esc(k) + '</i> ' + fmt(s.losses[k]) + '</span>'); });
      if (s.eval && s.eval.sw !== null) { values.push('<span><i>eval sw</i> ' + fmt(s.eval.sw) + '</span>'); }
      if (s.eval && s.eval.auc !== null) { values.push('<span><i>eval auc</i> ' + fmt(s.eval.auc) + '</span>'); }
      var sig = Object.keys(s.sigma || {});
      if (sig.length) {
        values.push('<span><i>\u03c3</i> ' + sig.map(function (k) { return fmt(s.sigma[k], 3); }).join(' ') + '</span>');
      }
      if (s.deadLetters) { values.push('<span><i>dead letters</i> ' + int(s.deadLetters) + '</span>'); }
      var group = s.process ? procs[s.process] : null;
      var memory = !s.memoryBytes ? '–' : mib(s.memoryBytes) + (group && group.length > 1
        ? '<div class="svc-url" title="' + esc(group.join(', ')) + '">shared by ' + group.length + ' services</div>' : '');
      var status = s.up ? '<span class="badge up">up</span>'
        : '<span class="badge down">down</span><div class="svc-error">' + esc(s.error || '') + '</div>';
      return '<tr data-service="' + esc(s.name) + '" data-up="' + s.up + '" data-iteration="' +
        (s.iteration === null ? '' : s.iteration) + '"><td><div class="svc-name">' + esc(s.name) +
        '</div><div class="svc-url"><a href="' + esc(s.url) + '" target="_blank">' + esc(s.url) + '</a></div></td><td>' +
        status + '</td><td>' + age(s.lastOk) + '</td><td class="num">' + int(s.iteration) + '</td><td class="num">' +
        int(s.policyVersion) + '</td><td class="num">' + int(s.ebmVersion) + '</td><td class="num">' +
        (s.stalenessMean === null ? '–' : fixed(s.stalenessMean, 2)) + '</td><td class="values">' +
        (values.join('') || '–') + '</td><td class="num memory">' + memory + '</td></tr>';
    }).join('');
  }

  /** The figures to show: every one written so far, and placeholders for those this run's data will get. */
  function figureNames() {
    var f = state.figures || {}, files = f.files || {};
    // The catalogue (names, titles, which data draws which) comes from the server: no file name is repeated here.
    var expected = (!state.plan || state.plan.dimension === 2 ? f.planar : f.notPlanar) || [];
    return Object.keys(files).filter(function (n) { return files[n] || expected.indexOf(n) >= 0; });
  }

  function figureTitle(n) {
    return ((state.figures && state.figures.titles) || {})[n] || n;
  }

  function renderFigures() {
    var box = $('figures'), f = state.figures || { files: {} };
    $('figures-note').textContent = state.hasRunDir ? 'from the evaluator, refreshed with each evaluation'
      : 'no run directory was given to this dashboard';
    figureNames().forEach(function (n) {
      var el = box.querySelector('[data-name="' + n + '"]');
      if (!el) {
        el = document.createElement('div');
        el.className = 'figure';
        el.dataset.name = n;
        el.innerHTML = '<div class="frame"></div><div class="caption"><b>' + esc(figureTitle(n)) +
          '</b><span class="when"></span></div>';
        box.appendChild(el);
      }
      var frame = el.querySelector('.frame');
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
      img.alt = figureTitle(n);
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

  // ---- panels and live updates --------------------------------------------------------------------------

  var panels = [renderPlan, renderProgress, renderPretrain, renderKpis, renderCharts, renderReports, renderServices,
    renderFigures, renderFooter].map(function (f) { return { render: f }; });

  function renderAll() {
    panels.forEach(function (p) {
      try { p.render(state); } catch (e) { if (window.console) { console.error(e); } }
    });
  }

  var es = null;
  window.dxmiDashboard = {
    state: state,
    charts: charts,
    /** Adds a view: panel.render(state) runs on every update. */
    register: function (panel) { panels.push(panel); panel.render(state); },
    /** Listens to one more named event of the page's stream (a view's own updates). */
    on: function (event, handler) { es.addEventListener(event, handler); },
    fmt: fmt, int: int, esc: esc, age: age
  };

  function appendPoints(target, points) {
    Object.keys(points || {}).forEach(function (k) {
      var s = target[k] || (target[k] = []);
      s.push(points[k]);
      if (s.length > MAX_POINTS) { target[k] = s.filter(function (p, i) { return i % 2 === 0 || i === s.length - 1; }); }
    });
  }

  function setLive(on, text) {
    state.connected = on;
    $('live').className = 'live ' + (on ? 'on' : 'off');
    $('live-text').textContent = text;
  }

  function connect() {
    es = new EventSource('/events');
    es.onopen = function () { setLive(true, 'live'); };
    es.onerror = function () { setLive(false, 'reconnecting…'); };
    es.addEventListener('state', function (e) {
      var s = JSON.parse(e.data);
      ['run', 'plan', 'reports', 'services', 'progress', 'losses', 'sigma', 'figures', 'pretrain', 'skipped',
        'hasRunDir', 'cameras'].forEach(function (k) { state[k] = s[k]; });
      state.clockOffset = Date.now() - s.serverTime;
      state.events++;
      setLive(true, 'live');
      renderAll();
    });
    es.addEventListener('plan', function (e) { state.plan = JSON.parse(e.data); state.events++; renderAll(); });
    es.addEventListener('pretrain', function (e) { state.pretrain = JSON.parse(e.data); state.events++; renderAll(); });
    es.addEventListener('evaluation', function (e) { state.reports.push(JSON.parse(e.data)); state.events++; renderAll(); });
    es.addEventListener('figures', function (e) { state.figures = JSON.parse(e.data); state.events++; renderAll(); });
    es.addEventListener('scrape', function (e) {
      var s = JSON.parse(e.data);
      state.services = s.services; state.progress = s.progress; state.skipped = s.skipped;
      state.clockOffset = Date.now() - s.serverTime; state.events++;
      appendPoints(state.losses, s.losses); appendPoints(state.sigma, s.sigma);
      renderAll();
    });
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); }, 100);
  });
  renderAll();
  connect();
}());
