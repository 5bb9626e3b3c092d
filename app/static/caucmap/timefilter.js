/* caucmap: the date window, held by the browser (render_web.TimeControl sets it up).
 *
 * The map holds every dated feature once, each with its day numbers (Python
 * date.toordinal(): 1 = 0001-01-01). Moving the window only shows and hides what is
 * already there; nothing is resent or re-rendered by the server.
 *
 *   caucmap.dated(map, apply)        a dated layer: apply(start, end) shows what overlaps
 *                                    the window and returns {kind: count shown}
 *   caucmap.series(map, s, e, colours, icon)
 *                                    day numbers and colours of what the time strip counts
 *   caucmap.time(map, opts)          the time strip, playback and the window's state:
 *     opts: {min, max: the slider's domain; start, end: the first window (null: read
 *            the page's #cm-window); kinds: {kind: label}; report: send windows back}
 *
 * The window lives on the map as map.cmWindow = {start, end}; every change fires
 * map.fire('cmwindow', {start, end}). In the app, the page's #cm-window element
 * (data-window="start end", rewritten on each server rerun) drives it; the sidebar's
 * date slider is previewed as it moves, before its rerun arrives; and a brushed or
 * paused window travels back to the server as a click on a probe marker whose tooltip
 * reads "window: YYYY-MM-DD..YYYY-MM-DD #n" (the map's frame reports clicked tooltips).
 * Once every file the map fetched is drawn (caucmap.drawn), a probe reads "drawn #n".
 */
window.caucmap = window.caucmap || {};

(function (cm) {
  var EPOCH = 719163;  // date(1970, 1, 1).toordinal()
  var DAY = 86400000;

  cm.dayOf = function (d) { return Math.floor(d.getTime() / DAY) + EPOCH; };
  cm.dateOf = function (n) { return new Date((n - EPOCH) * DAY); };
  cm.iso = function (n) { return cm.dateOf(n).toISOString().slice(0, 10); };

  function state(map) {
    if (!map._cm) { map._cm = {dated: [], series: [], shown: {}}; }
    return map._cm;
  }

  cm.dated = function (map, apply) {
    var st = state(map);
    st.dated.push(apply);
    if (map.cmWindow) { st.shown = cm.applyWindow(map); }
    if (map._cmStrip && map.cmWindow) { map._cmStrip.show(); }  // a late layer joins the counts
  };

  cm.series = function (map, starts, ends, colours, icon) {
    state(map).series.push({start: starts, end: ends, colours: colours, icon: icon});
    if (map._cmStrip) { map._cmStrip.redraw(); }
  };

  cm.applyWindow = function (map) {
    var w = map.cmWindow, counts = {};
    state(map).dated.forEach(function (apply) {
      var got = apply(w.start, w.end) || {};
      Object.keys(got).forEach(function (k) { counts[k] = (counts[k] || 0) + got[k]; });
    });
    return counts;
  };

  cm.setWindow = function (map, start, end) {
    if (start > end) { var t = start; start = end; end = t; }
    var w = map.cmWindow;
    if (w && w.start === start && w.end === end) { return; }
    map.cmWindow = {start: start, end: end};
    state(map).shown = cm.applyWindow(map);
    map.fire('cmwindow', {start: start, end: end});
  };

  // calendar steps of playback and keyboard moves
  function addStep(n, step, k) {
    var d = cm.dateOf(n);
    if (step === 'week') { return n + 7 * k; }
    if (step === 'month') { d.setUTCMonth(d.getUTCMonth() + k); } else {
      d.setUTCFullYear(d.getUTCFullYear() + k);
    }
    return cm.dayOf(d);
  }

  function el(tag, cls, parent, text) {
    var e = L.DomUtil.create(tag, cls, parent);
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  cm.time = function (map, opts) {
    var pageWindow = function () { return cm.page.window(opts.min, opts.max); };
    var st = state(map), first = pageWindow() || [opts.start || opts.min, opts.end || opts.max];
    var seq = 0, playing = null, lastPage = first.join(' ');
    var reportGroup = L.featureGroup().addTo(map);

    function report() {
      var w = map.cmWindow;
      send('window: ' + cm.iso(w.start) + '..' + cm.iso(w.end));
    }

    function send(text) {
      if (!opts.report) { return; }
      reportGroup.clearLayers();
      var probe = L.circleMarker(map.getCenter(), {radius: 1, opacity: 0, fillOpacity: 0});
      seq += 1;
      probe.bindTooltip(text + ' #' + seq);
      reportGroup.addLayer(probe);
      probe.fire('click', {latlng: probe.getLatLng()}, true);
      reportGroup.clearLayers();  // read on the click: nothing stays on the map
    }

    var Strip = L.Control.extend({
      options: {position: 'bottomleft'},
      onAdd: function () {
        var box = el('div', 'cm-time leaflet-bar');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var bar = el('div', 'cm-time-bar', box);
        this.play = el('button', 'cm-time-play', bar, '\u25B6');
        this.play.type = 'button';
        this.play.title = 'Play the period back (Space)';
        this.play.setAttribute('aria-label', 'Play');
        this.step = el('select', 'cm-time-step', bar);
        this.step.setAttribute('aria-label', 'Step');
        ['week', 'month', 'year'].forEach(function (s) {
          el('option', '', this.step, 'by ' + s).value = s;
        }, this);
        this.step.value = 'month';
        this.mode = el('select', 'cm-time-mode', bar);
        this.mode.setAttribute('aria-label', 'Window');
        [['slide', 'sliding window'], ['grow', 'growing window']].forEach(function (m) {
          el('option', '', this.mode, m[1]).value = m[0];
        }, this);
        this.speed = el('select', 'cm-time-speed', bar);
        this.speed.setAttribute('aria-label', 'Speed');
        [['1000', '1 frame/s'], ['500', '2 frames/s'], ['250', '4 frames/s'],
         ['100', '10 frames/s']].forEach(function (s) {
          el('option', '', this.speed, s[1]).value = s[0];
        }, this);
        this.speed.value = '500';
        this.status = el('span', 'cm-time-status', bar);
        this.status.id = 'cm-map-status';
        this.status.setAttribute('aria-live', 'polite');
        this.canvas = el('canvas', 'cm-time-strip', box);
        this.canvas.tabIndex = 0;
        this.canvas.setAttribute('role', 'slider');
        this.canvas.setAttribute('aria-label',
          'Time strip: drag to choose dates; arrow keys move the window');
        L.DomEvent.on(this.play, 'click', this.toggle, this);
        L.DomEvent.on(this.canvas, 'pointerdown', this.brushStart, this);
        L.DomEvent.on(this.canvas, 'keydown', this.key, this);
        return box;
      },
      x: function (n) {
        var w = this.canvas.width;
        return (n - opts.min) / Math.max(1, opts.max - opts.min) * w;
      },
      day: function (px) {
        var w = this.canvas.getBoundingClientRect().width;
        var f = Math.min(1, Math.max(0, px / Math.max(1, w)));
        return Math.round(opts.min + f * (opts.max - opts.min));
      },
      redraw: function () {  // the histogram and axis change only with the data or size
        this.background = null;
        this.paint();
      },
      histogram: function (width, h) {
        var bg = document.createElement('canvas'), base = h - 12, lanes = 3;
        bg.width = width;
        bg.height = h;
        var ctx = bg.getContext('2d');
        // precise dates stack as bars per pixel column, by colour; spans run as lines
        var cols = {}, maxCount = 1, self = this, spanLane = [];
        st.series.forEach(function (s) {
          for (var i = 0; i < s.start.length; i++) {
            var colour = s.colours[s.icon[i]];
            if (s.end[i] - s.start[i] > 1) {
              var x0 = self.x(s.start[i]), x1 = Math.max(x0 + 2, self.x(s.end[i]));
              var lane = 0;
              while (lane < lanes - 1 && spanLane[lane] > x0) { lane++; }
              spanLane[lane] = x1;
              ctx.globalAlpha = 0.55;
              ctx.fillStyle = colour;
              ctx.fillRect(x0, 2 + lane * 4, x1 - x0, 3);
              continue;
            }
            var px = Math.floor(self.x(s.start[i]) / 3) * 3;
            var col = cols[px] = cols[px] || {};
            col[colour] = (col[colour] || 0) + 1;
          }
        });
        Object.keys(cols).forEach(function (px) {
          var n = 0;
          Object.keys(cols[px]).forEach(function (k) { n += cols[px][k]; });
          maxCount = Math.max(maxCount, n);
        });
        var room = base - 2 - lanes * 4;
        ctx.globalAlpha = 1;
        Object.keys(cols).forEach(function (px) {
          var y = base;
          Object.keys(cols[px]).forEach(function (colour) {
            var bar = Math.max(4, cols[px][colour] / maxCount * room);
            ctx.fillStyle = colour;
            ctx.fillRect(Number(px), y - bar, 3, bar);
            y -= bar;
          });
        });
        // the axis, with a tick per year (or per decade when crowded)
        ctx.fillStyle = '#444';
        ctx.font = '10px sans-serif';
        var y0 = cm.dateOf(opts.min).getUTCFullYear(), y1 = cm.dateOf(opts.max).getUTCFullYear();
        var every = (y1 - y0) * 28 > width ? 5 : 1;
        for (var y = y0 + 1; y <= y1; y++) {
          var tx = this.x(cm.dayOf(new Date(Date.UTC(y, 0, 1))));
          ctx.fillRect(tx, base, 1, 3);
          // a year whose label would run off the strip's end keeps its tick only
          if (y % every === 0 && tx + 2 + ctx.measureText(String(y)).width <= width) {
            ctx.fillText(String(y), tx + 2, h - 1);
          }
        }
        return bg;
      },
      paint: function () {  // a frame: the cached histogram, then the window over it
        var c = this.canvas, width = Math.max(100, map.getSize().x - 56), h = 40;
        if (c.width !== width || c.height !== h || !this.background) {
          c.style.width = width + 'px';
          c.width = width;
          c.height = h;
          this.background = this.histogram(width, h);
        }
        var ctx = c.getContext('2d'), base = h - 12;
        ctx.clearRect(0, 0, width, h);
        ctx.drawImage(this.background, 0, 0);
        var w = map.cmWindow || {start: opts.min, end: opts.max};
        ctx.fillStyle = 'rgba(33, 102, 172, 0.18)';
        ctx.strokeStyle = '#2166ac';
        var wx0 = this.x(w.start), wx1 = Math.max(wx0 + 2, this.x(w.end + 1));
        ctx.fillRect(wx0, 0, wx1 - wx0, base);
        ctx.strokeRect(wx0 + 0.5, 0.5, wx1 - wx0 - 1, base - 1);
        c.setAttribute('aria-valuetext', cm.iso(w.start) + ' to ' + cm.iso(w.end));
      },
      show: function () {
        var w = map.cmWindow, shown = st.shown, parts = [];
        Object.keys(opts.kinds).forEach(function (k) {
          var off = shown[k + ':unplaced'];
          parts.push(opts.kinds[k] + ': ' + (shown[k] || 0) +
                     (off ? ' (' + off + ' with no place, not drawn)' : ''));
        });
        this.status.textContent = cm.iso(w.start) + ' \u2013 ' + cm.iso(w.end) +
          '   ' + parts.join(' \u00b7 ');
        this.paint();
      },
      brushStart: function (e) {
        this.stop(false);
        var rect = this.canvas.getBoundingClientRect(), self = this;
        var from = this.day(e.clientX - rect.left);
        this.canvas.setPointerCapture(e.pointerId);
        function move(ev) { cm.setWindow(map, from, self.day(ev.clientX - rect.left)); }
        function up(ev) {
          move(ev);
          L.DomEvent.off(self.canvas, 'pointermove', move);
          L.DomEvent.off(self.canvas, 'pointerup', up);
          report();
        }
        L.DomEvent.on(this.canvas, 'pointermove', move);
        L.DomEvent.on(this.canvas, 'pointerup', up);
      },
      key: function (e) {
        var w = map.cmWindow, k = e.key, dir = k === 'ArrowRight' ? 1 : k === 'ArrowLeft' ? -1 : 0;
        if (k === ' ') { L.DomEvent.preventDefault(e); this.toggle(); return; }
        if (!dir) { return; }
        L.DomEvent.preventDefault(e);
        var step = this.step.value;
        cm.setWindow(map, addStep(w.start, step, dir), addStep(w.end, step, dir));
        report();
      },
      toggle: function () { if (playing) { this.stop(true); } else { this.start(); } },
      start: function () {
        var w = map.cmWindow, step = this.step.value, grow = this.mode.value === 'grow';
        var last = opts.max, from = w.start;
        st.series.forEach(function (s) {
          for (var i = 0; i < s.end.length; i++) { last = Math.max(last, s.end[i]); }
        });
        if (from <= opts.min) {  // the whole range: start where the data starts
          from = opts.max;
          st.series.forEach(function (s) {
            for (var i = 0; i < s.start.length; i++) { from = Math.min(from, s.start[i]); }
          });
        }
        last = Math.min(last, opts.max);
        var end = addStep(from, step, 1) - 1, self = this;
        this.play.textContent = '\u275A\u275A';
        this.play.setAttribute('aria-label', 'Pause');
        cm.setWindow(map, from, end);
        playing = setInterval(function () {
          var cur = map.cmWindow, nextEnd = addStep(cur.end + 1, step, 1) - 1;
          if (cur.end >= last) { self.stop(true); return; }
          cm.setWindow(map, grow ? cur.start : addStep(cur.start, step, 1), nextEnd);
        }, Number(this.speed.value));
      },
      stop: function (send) {
        if (!playing) { return; }
        clearInterval(playing);
        playing = null;
        this.play.textContent = '\u25B6';
        this.play.setAttribute('aria-label', 'Play');
        if (send) { report(); }  // the URL keeps the frame shown
      }
    });

    var strip = map._cmStrip = new Strip();
    map.addControl(strip);
    map.on('cmwindow', function () { strip.show(); });
    map.on('resize', function () { strip.redraw(); });
    cm.setWindow(map, first[0], first[1]);
    strip.show();

    // a cold open's page holds its controls back until the map is drawn (their scripts
    // would compete with the map's): say when it is, if the page has none yet (a map
    // remade for a new view, under the controls, asks for no rerun)
    if (opts.report) {
      cm.drawn().then(function () { if (!cm.page.slider()) { send('drawn'); } });
    }

    // the server's window: follow the page's #cm-window whenever a rerun rewrites it, and
    // preview the sidebar's date slider as it moves, before the rerun it asks for
    if (opts.report) {
      var slider = cm.page.slider(), lastSlider = slider && slider.join(' ');
      var follow = function (w) { strip.stop(false); cm.setWindow(map, w[0], w[1]); };
      try {
        new window.parent.MutationObserver(function () {
          var moved = cm.page.slider(), w = pageWindow();
          if (moved && moved.join(' ') !== lastSlider) {
            // a slider that has just come (a cold open's controls) is no reader's move:
            // playback started before it goes on
            var came = lastSlider === null;
            lastSlider = moved.join(' ');
            if (!came) { follow(moved); }
          }
          if (w && w.join(' ') !== lastPage) {
            lastPage = w.join(' ');
            follow(w);
          }
        }).observe(window.parent.document.body,
                   {subtree: true, childList: true, attributes: true,
                    attributeFilter: ['data-window', 'aria-valuetext']});
      } catch (e) { /* a standalone file: its own strip is the only control */ }
    }
  };
}(window.caucmap));
