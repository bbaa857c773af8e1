// The cameras view: one tile per camera with its frame, its localisation map (a canvas with a colour scale, beside
// the frame or over it), the newest score and decision (an alarm is highlighted), and the windowed alarm rate,
// frames/s and latency. Fed by the `cameras` event (at most once per scrape interval) and the page's first state.
// A tab bar appears when the dashboard shows a run and cameras; a dashboard of cameras only shows just this view.
(function () {
  'use strict';

  var D = window.dxmiDashboard, fmt = D.fmt, int = D.int, esc = D.esc;
  var SIDE = 168; // canvas side, CSS pixels
  // An "inferno"-like scale: dark for the map's minimum, bright yellow for its maximum.
  var SCALE = [[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]];
  var tiles = {};

  function $(id) { return document.getElementById(id); }

  function colour(t) {
    t = Math.max(0, Math.min(1, isFinite(t) ? t : 0)) * (SCALE.length - 1);
    var i = Math.min(SCALE.length - 2, Math.floor(t)), f = t - i, a = SCALE[i], b = SCALE[i + 1];
    return [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * f); });
  }

  function mapRange(map) {
    var lo = Infinity, hi = -Infinity;
    map.forEach(function (v) { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    return [lo, hi];
  }

  /** Draws a map's cells over the rectangle (x, y, w, h) of a 2D context, at the given opacity. */
  function drawMap(ctx, score, x, y, w, h, alpha) {
    var shape = score && score.map_shape, map = score && score.map;
    if (!shape || !map) { return false; }
    var rows = shape[0], cols = shape[1], r = mapRange(map), span = r[1] - r[0] || 1;
    ctx.globalAlpha = alpha;
    for (var i = 0; i < rows; i++) {
      for (var j = 0; j < cols; j++) {
        var c = colour((map[i * cols + j] - r[0]) / span);
        ctx.fillStyle = 'rgb(' + c.join(',') + ')';
        // Cells drawn a hair larger so that no seam shows between them.
        ctx.fillRect(x + j * w / cols, y + i * h / rows, w / cols + 0.5, h / rows + 0.5);
      }
    }
    ctx.globalAlpha = 1;
    return true;
  }

  /** The rectangle an image of w × h takes in the canvas, its aspect ratio kept. */
  function fit(w, h) {
    var s = Math.min(SIDE / w, SIDE / h), dw = w * s, dh = h * s;
    return [(SIDE - dw) / 2, (SIDE - dh) / 2, dw, dh];
  }

  function canvas(el) {
    var ratio = window.devicePixelRatio || 1;
    el.width = SIDE * ratio;
    el.height = SIDE * ratio;
    el.style.width = SIDE + 'px';
    el.style.height = SIDE + 'px';
    var ctx = el.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.imageSmoothingEnabled = false; // a 28 × 28 frame shows its pixels, not a blur
    return ctx;
  }

  function drawFrame(tile) {
    var ctx = canvas(tile.querySelector('.cam-frame')), img = tile._img, cam = tile._camera;
    ctx.fillStyle = '#11151c';
    ctx.fillRect(0, 0, SIDE, SIDE);
    if (!img) { return; }
    var r = fit(img.naturalWidth, img.naturalHeight);
    ctx.drawImage(img, r[0], r[1], r[2], r[3]);
    if ($('cam-overlay').checked && cam.newest) { drawMap(ctx, cam.newest, r[0], r[1], r[2], r[3], 0.45); }
  }

  function drawMapCanvas(tile) {
    var cam = tile._camera, ctx = canvas(tile.querySelector('.cam-map'));
    ctx.fillStyle = '#f4f6f9';
    ctx.fillRect(0, 0, SIDE, SIDE);
    var f = cam.frame, r = f ? fit(f.width, f.height) : [0, 0, SIDE, SIDE];
    var drawn = drawMap(ctx, cam.newest, r[0], r[1], r[2], r[3], 1);
    var legend = tile.querySelector('.cam-legend');
    legend.hidden = !drawn;
    tile.querySelector('.cam-nomap').hidden = drawn;
    if (drawn) {
      var range = mapRange(cam.newest.map);
      legend.querySelector('.lo').textContent = fmt(range[0], 3);
      legend.querySelector('.hi').textContent = fmt(range[1], 3);
    }
  }

  /** Loads the frame shown with the newest score, one request at a time per camera. */
  function loadFrame(tile) {
    var cam = tile._camera, f = cam.frame;
    if (!f || tile._loading || String(f.frame_id) === tile.dataset.frameId) { return; }
    tile._loading = true;
    var img = new Image();
    img.onload = function () {
      tile._loading = false;
      tile._img = img;
      tile.dataset.frameId = String(f.frame_id);
      tile.dataset.imageSize = img.naturalWidth + 'x' + img.naturalHeight;
      tile.querySelector('.cam-frame-note').textContent = 'frame ' + int(f.frame_id) + (f.matches_score ? '' : ' (newer than the score)');
      drawFrame(tile);
      loadFrame(tile); // a newer one may have come meanwhile
    };
    img.onerror = function () {
      tile._loading = false;
      tile.dataset.frameId = String(f.frame_id);
      tile.querySelector('.cam-frame-note').textContent = 'frame ' + int(f.frame_id) + ' cannot be shown';
    };
    img.src = '/cameras/' + encodeURIComponent(cam.camera_id) + '/frame?frame_id=' + encodeURIComponent(f.frame_id);
  }

  function tile(cam) {
    var t = tiles[cam.camera_id];
    if (!t) {
      t = document.createElement('div');
      t.className = 'cam';
      t.dataset.camera = cam.camera_id;
      t.innerHTML = '<div class="cam-head"><b class="cam-name"></b><span class="badge cam-decision"></span></div>' +
        '<div class="cam-pics"><figure><canvas class="cam-frame"></canvas><figcaption class="cam-frame-note">no frame yet</figcaption></figure>' +
        '<figure><canvas class="cam-map"></canvas><figcaption><span class="cam-nomap">no map</span>' +
        '<span class="cam-legend" hidden><span class="lo"></span><span class="bar"></span><span class="hi"></span></span></figcaption></figure></div>' +
        '<table class="cam-values"><tbody></tbody></table>';
      t.querySelector('.cam-name').textContent = cam.camera_id;
      var stops = [0, 0.25, 0.5, 0.75, 1].map(function (s) { return 'rgb(' + colour(s).join(',') + ') ' + (s * 100) + '%'; });
      t.querySelector('.cam-legend .bar').style.background = 'linear-gradient(90deg, ' + stops.join(', ') + ')';
      tiles[cam.camera_id] = t;
    }
    return t;
  }

  function row(name, value, title) {
    return '<tr' + (title ? ' title="' + esc(title) + '"' : '') + '><th>' + esc(name) + '</th><td>' + value + '</td></tr>';
  }

  function renderTile(t, cam) {
    var s = cam.newest, w = cam.window, alarm = !!(s && s.anomalous);
    t._camera = cam;
    t.classList.toggle('alarm', alarm);
    t.dataset.anomalous = s ? String(alarm) : '';
    t.dataset.alarmRate = w.alarm_rate === null ? '' : String(w.alarm_rate);
    var badge = t.querySelector('.cam-decision');
    badge.className = 'badge cam-decision ' + (!s ? '' : alarm ? 'down' : 'up');
    badge.textContent = !s ? 'no score yet' : alarm ? 'ALARM' : 'normal';
    var html = [];
    if (s) {
      html.push(row('score', '<b>' + fmt(s.score, 3) + '</b> · energy ' + fmt(s.energy) + (s.threshold === null || s.threshold === undefined ? ''
        : ' (threshold ' + fmt(s.threshold) + ')'), 'normalised score: 0.5 at the threshold'));
    }
    html.push(row('alarm rate', w.alarm_rate === null ? '–' : (w.alarm_rate * 100).toFixed(1) + '% <i>(' + int(w.alarms) + ' / ' + int(w.scores) + ')</i>',
      'share of anomalous decisions over the last ' + Math.round(w.seconds) + ' s'));
    html.push(row('latency', w.latency_p50_ms === null ? '–' : 'p50 ' + fmt(w.latency_p50_ms, 3) + ' ms · p99 ' + fmt(w.latency_p99_ms, 3) + ' ms',
      'capture → scored, over the window'));
    html.push(row('frames/s', fmt(w.frames_per_second, 3) + (w.truncated ? ' <i>(newest ' + int(w.scores) + ')</i>' : ''), 'scores per second over the window'));
    if (s) {
      html.push(row('model', '<code>' + esc(s.model_version) + '</code>'));
      html.push(row('threshold', '<code>' + esc(s.threshold_id) + '</code>'));
      html.push(row('frame', int(s.frame_id) + (s.label === undefined ? '' : ' · label ' + s.label) + ' · ' + D.age(s.capture_time_us / 1000)));
    }
    html.push(row('totals', int(cam.totals.scores) + ' scores · ' + int(cam.totals.alarms) + ' alarms · ' + int(cam.totals.frames) + ' frames',
      'since this dashboard started reading, near the end of the topics'));
    t.querySelector('tbody').innerHTML = html.join('');
    drawMapCanvas(t);
    drawFrame(t);
    loadFrame(t);
  }

  function renderCameras(view) {
    var grid = $('cam-grid'), status = view.status || {};
    $('cam-status').dataset.state = status.state || 'starting';
    $('cam-status-text').textContent = status.message || '';
    var list = view.cameras || [], alarms = list.filter(function (c) { return c.newest && c.newest.anomalous; }).length;
    var rec = view.records || {};
    $('cam-summary').textContent = list.length ? int(list.length) + ' camera' + (list.length === 1 ? '' : 's') + ' · ' +
      alarms + ' alarming now · window ' + Math.round(view.window_seconds) + ' s' : '';
    var notes = [];
    if (view.cameras_not_shown) {
      notes.push((view.cameras_not_shown_capped ? 'at least ' : '') + int(view.cameras_not_shown) + ' more cameras not shown (at most ' +
        int(view.max_cameras) + ' are; a camera silent for longer than the window gives up its place)');
    }
    if (rec.undecodable_scores || rec.undecodable_frames) {
      notes.push(int(rec.undecodable_scores) + ' undecodable scores and ' + int(rec.undecodable_frames) + ' undecodable frames skipped');
    }
    notes.push('Reading ' + (view.scores_topic || '') + ' (committed scores only) and ' + (view.frames_topic || '') +
      ' from near their ends: the tiles show the newest records, not the whole history.');
    $('cam-note').textContent = notes.join(' · ');
    if (!list.length) {
      if (!grid.querySelector('.cam-empty')) { grid.innerHTML = '<div class="cam-empty">no camera yet</div>'; }
      return;
    }
    var empty = grid.querySelector('.cam-empty');
    if (empty) { empty.remove(); }
    var shown = {};
    list.forEach(function (cam) {
      var t = tile(cam);
      shown[cam.camera_id] = true;
      if (t.parentNode !== grid) { grid.appendChild(t); }
      renderTile(t, cam);
    });
    Object.keys(tiles).forEach(function (id) { if (!shown[id]) { tiles[id].remove(); delete tiles[id]; } });
    // Tiles in the server's order (by camera id).
    list.forEach(function (cam) { grid.appendChild(tiles[cam.camera_id]); });
  }

  /** Which views this dashboard has, and which one is shown: the tab in the address, else the run. */
  function renderViews(state) {
    var hasRun = !!state.run, hasCameras = !!state.cameras;
    $('tabs').hidden = !(hasRun && hasCameras);
    var view = !hasRun ? 'cameras' : hasCameras && location.hash === '#cameras' ? 'cameras' : 'run';
    $('view-run').hidden = view !== 'run';
    $('view-cameras').hidden = view !== 'cameras';
    [].forEach.call(document.querySelectorAll('#tabs a'), function (a) { a.classList.toggle('on', a.dataset.view === view); });
    if (!hasRun && hasCameras) {
      $('run-id').textContent = 'cameras';
      document.title = 'DxMI · cameras';
      $('plan-line').textContent = 'anomaly scores of ' + state.cameras.scores_topic + ', frames of ' + state.cameras.frames_topic;
    }
  }

  window.addEventListener('hashchange', function () { renderViews(D.state); });
  $('cam-overlay').addEventListener('change', function () { Object.keys(tiles).forEach(function (id) { drawFrame(tiles[id]); }); });

  D.register({
    render: function (state) {
      renderViews(state);
      if (state.cameras) { renderCameras(state.cameras); }
    }
  });
  D.on('cameras', function (e) {
    var first = !D.state.cameras;
    D.state.cameras = JSON.parse(e.data);
    D.state.events++;
    if (first) { renderViews(D.state); }
    renderCameras(D.state.cameras);
  });
}());
