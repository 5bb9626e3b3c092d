/* caucmap: point markers built in the browser from compact data (render_web.PointLayer),
 * not one folium Marker each. Each distinct symbol (icon) is sent once.
 *
 *   caucmap.points(group, icons, rows, kind)
 *     rows: [[lat, lon, icon, tooltipHtml, popupHtml, start, end], ...]: SVG icon markers
 *   caucmap.canvasPoints(group, icons, pane, {n, m, label, url?}, kind, base64?)
 *     past a few thousand points: one little-endian buffer of n lat, lon, start, end
 *     (Int32), the start and end of m records with no place (Int32), then n icon
 *     indexes (Uint8) (render_web.POINT_COLUMNS), fetched from `url`
 *     (the app: the browser caches it) or given as base64 (a standalone file). All are
 *     drawn on one canvas in `pane` (no Leaflet object per point); hover and click are
 *     hit-tested here, and a clicked point is named by position ("ref: #N"), which the
 *     server maps back to its event.
 *
 * start/end are day numbers: the date window (timefilter.js) shows a point while its
 * dates overlap the window, and counts it under `kind`. Tooltip and popup HTML arrive
 * escaped by the server.
 */
window.caucmap = window.caucmap || {};

window.caucmap.colours = function (icons) {
  return icons.map(function (i) { return i.color; });
};

// which of a kind's points the window shows, by position (0/1): what tests compare
window.caucmap.mask = function (map, kind, on) {
  map._cm.masks = map._cm.masks || {};
  map._cm.masks[kind] = on;
};

window.caucmap.points = function (parent, icons, rows, kind) {
  // a group of our own on the map from the start: the map's frame hooks clicks on the
  // layers present at load, and a marker the window shows later reports through it
  var group = L.featureGroup().addTo(parent);
  var divs = icons.map(function (i) {
    return L.divIcon({html: i.svg, className: 'cm-marker', iconSize: [18, 18],
                      iconAnchor: [9, 9]});
  });
  var markers = rows.map(function (r) {
    var m = L.marker([r[0], r[1]], {icon: divs[r[2]]});
    if (r[3]) { m.bindTooltip(r[3]); }
    if (r[4]) { m.bindPopup(r[4], {maxWidth: 360}); }
    return m;
  });
  var starts = rows.map(function (r) { return r[5]; });
  var ends = rows.map(function (r) { return r[6]; });
  markers.forEach(function (m) { group.addLayer(m); });  // all shown until a window applies
  window.caucmap.onMap(parent, function (map) {
    if (kind === 'events') {
      window.caucmap.series(map, starts, ends, window.caucmap.colours(icons),
                            rows.map(function (r) { return r[2]; }));
    }
    window.caucmap.dated(map, function (s, e) {
      var mask = new Uint8Array(markers.length), out = {};
      out[kind] = 0;
      markers.forEach(function (m, i) {
        var on = starts[i] <= e && ends[i] >= s;
        mask[i] = on ? 1 : 0;
        out[kind] += mask[i];
        if (on && !group.hasLayer(m)) { group.addLayer(m); }
        if (!on && group.hasLayer(m)) { group.removeLayer(m); }
      });
      window.caucmap.mask(map, kind, mask);
      return out;
    });
  });
};

window.caucmap.canvasPoints = function (parent, icons, pane, cols, kind, data) {
  var group = L.featureGroup().addTo(parent);
  if (data) {
    var s = atob(data), bytes = new Uint8Array(s.length);
    for (var k = 0; k < s.length; k++) { bytes[k] = s.charCodeAt(k); }
    window.caucmap.drawPoints(parent, group, icons, pane, cols, kind, bytes.buffer);
  } else {
    window.caucmap.fetchOnce(cols.url, 'arrayBuffer').then(function (buffer) {
      window.caucmap.drawPoints(parent, group, icons, pane, cols, kind, buffer);
    });
  }
};

window.caucmap.drawPoints = function (parent, group, icons, pane, cols, kind, buffer) {
  var n = cols.n, m = cols.m, layer = null;
  var lat = new Int32Array(buffer, 0, n), lon = new Int32Array(buffer, 4 * n, n);
  var starts = new Int32Array(buffer, 8 * n, n), ends = new Int32Array(buffer, 12 * n, n);
  var noStart = new Int32Array(buffer, 16 * n, m);
  var noEnd = new Int32Array(buffer, 16 * n + 4 * m, m);
  var sym = new Uint8Array(buffer, 16 * n + 8 * m, n);
  if (m) {  // records with no place: counted, not drawn
    window.caucmap.unplaced(parent, Array.from(noStart, function (s, k) {
      return [s, noEnd[k]];
    }), kind);
  }
  var on = new Uint8Array(n).fill(1);  // all shown until a window applies
  // Web Mercator pixels at zoom 0, once; a redraw only scales and shifts them
  var px = new Float64Array(n), py = new Float64Array(n);
  for (var k = 0; k < n; k++) {
    var phi = lat[k] / 1e5 * Math.PI / 180;
    px[k] = (lon[k] / 1e5 + 180) / 360 * 256;
    py[k] = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2 * 256;
  }
  var R = 5;  // a sprite's half size: a 3.5 px circle and its stroke
  function sprite(icon) {  // one small canvas a symbol, drawn once
    var c = document.createElement('canvas'), ctx = c.getContext('2d');
    c.width = c.height = 2 * R;
    ctx.globalAlpha = icon.opacity;
    ctx.strokeStyle = ctx.fillStyle = icon.color;
    ctx.beginPath();
    ctx.arc(R, R, 3.5, 0, 2 * Math.PI);
    if (icon.hollow) { ctx.lineWidth = 1.5; ctx.stroke(); } else { ctx.fill(); }
    return c;
  }
  function tipText(i) {
    return cols.label + ' ' + (i + 1) + ' of ' + n +
           ': click to read its evidence<br>ref: #' + i;
  }
  // every point on one canvas: no Leaflet object per point, so 100k points draw in
  // one pass and the tab stays responsive
  var Points = L.Layer.extend({
    onAdd: function (map) {
      var c = this._canvas = L.DomUtil.create('canvas', 'leaflet-zoom-hide');
      c.style.position = 'absolute';
      c.style.pointerEvents = 'none';
      map.getPane(pane).appendChild(c);
      this._sx = new Float32Array(n);
      this._sy = new Float32Array(n);
      this._tip = L.tooltip({direction: 'top', offset: [0, -4]});
      map.on('moveend resize', this._redraw, this);
      map.on('click', this._click, this);
      map.on('mousemove', this._hover, this);
      this._draw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize', this._redraw, this);
      map.off('click', this._click, this);
      map.off('mousemove', this._hover, this);
      map.closeTooltip(this._tip);
      if (this._probe) { group.removeLayer(this._probe); }
    },
    _draw: function () {
      var map = this._map, size = map.getSize(), c = this._canvas;
      L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
      var ctx = c.getContext('2d'), scale = Math.pow(2, map.getZoom());
      if (c.width !== size.x || c.height !== size.y) {
        c.width = size.x;  // resizing clears too, but reallocates: only when the map resizes
        c.height = size.y;
      } else {
        ctx.clearRect(0, 0, size.x, size.y);
      }
      var tl = map.getPixelBounds().min, sx = this._sx, sy = this._sy, w = size.x;
      var sprites = this._sprites || (this._sprites = icons.map(sprite));
      // events geocoded to one place share a pixel, where only the top circles show: from
      // the top down, a pixel takes a filled circle and what lies under it is hidden, a
      // ring and one more; so 100k points at a few thousand places cost a few thousand copies
      var depth = this._depth, keep = this._keep || (this._keep = new Uint8Array(n));
      if (!depth || depth.length !== w * size.y) {
        depth = this._depth = new Uint8Array(w * size.y);
      }
      depth.fill(0);
      for (var i = n - 1; i >= 0; i--) {  // later points draw over earlier ones
        var x = px[i] * scale - tl.x, y = py[i] * scale - tl.y;
        sx[i] = x;
        sy[i] = y;
        keep[i] = 0;
        if (!on[i] || x < -5 || y < -5 || x > size.x + 5 || y > size.y + 5) { continue; }
        var xi = Math.round(x), yi = Math.round(y), at = yi * w + xi;
        if (xi >= 0 && yi >= 0 && xi < w && yi < size.y) {
          if (depth[at] >= 2) { continue; }
          depth[at] = icons[sym[i]].hollow ? depth[at] + 1 : 2;
        }
        keep[i] = 1;
      }
      for (var j = 0; j < n; j++) {  // a copied image a point: far cheaper to paint than arcs
        if (keep[j]) {
          ctx.drawImage(sprites[sym[j]], Math.round(sx[j]) - R, Math.round(sy[j]) - R);
        }
      }
    },
    _redraw: function () {  // once a frame, however many windows and moves ask for it
      if (this._pending || !this._map) { return; }
      var self = this;
      this._pending = requestAnimationFrame(function () {
        self._pending = null;
        if (self._map) { self._draw(); }
      });
    },
    _nearest: function (p) {
      var best = -1, dist = 49;  // within 7 px
      for (var i = 0; i < n; i++) {
        if (!on[i]) { continue; }
        var dx = this._sx[i] - p.x, dy = this._sy[i] - p.y, d = dx * dx + dy * dy;
        if (d < dist) { dist = d; best = i; }
      }
      return best;
    },
    _latlng: function (i) { return L.latLng(lat[i] / 1e5, lon[i] / 1e5); },
    _hover: function (e) {
      var i = this._nearest(e.containerPoint), map = this._map;
      if (i < 0) { map.closeTooltip(this._tip); return; }
      this._tip.setLatLng(this._latlng(i)).setContent(tipText(i));
      map.openTooltip(this._tip);
    },
    _click: function (e) {
      // a throw-away marker carries the point's ref through the group, where
      // the map frame's click handler reads its tooltip
      var i = this._nearest(e.containerPoint);
      if (i < 0) { return; }
      if (this._probe) { group.removeLayer(this._probe); }
      var probe = this._probe = L.circleMarker(this._latlng(i), {radius: 1, opacity: 0,
                                                                fillOpacity: 0});
      probe.bindTooltip(tipText(i));
      group.addLayer(probe);
      probe.fire('click', {latlng: probe.getLatLng(), originalEvent: e.originalEvent}, true);
    }
  });
  layer = new Points();
  group.addLayer(layer);
  window.caucmap.onMap(parent, function (map) {
    if (kind === 'events') {
      window.caucmap.series(map, starts, ends, window.caucmap.colours(icons), sym);
    }
    window.caucmap.dated(map, function (s, e) {
      var count = 0, out = {};
      for (var k = 0; k < n; k++) {
        on[k] = starts[k] <= e && ends[k] >= s ? 1 : 0;
        count += on[k];
      }
      layer._redraw();
      window.caucmap.mask(map, kind, on);
      out[kind] = count;
      return out;
    });
  });
};

// records of a kind with no place: not drawn, but counted while the window holds them
window.caucmap.unplaced = function (parent, days, kind) {
  window.caucmap.onMap(parent, function (map) {
    window.caucmap.dated(map, function (s, e) {
      var out = {};
      out[kind + ':unplaced'] = days.filter(function (d) {
        return d[0] <= e && d[1] >= s;
      }).length;
      out[kind] = out[kind + ':unplaced'];
      return out;
    });
  });
};

// call fn with the map a layer's parent is, or is on once it is added (folium adds a
// feature group to the map after the layers inside it)
window.caucmap.onMap = function (parent, fn) {
  if (parent instanceof L.Map) { fn(parent); } else if (parent._map) { fn(parent._map); } else {
    parent.once('add', function () { fn(parent._map); });
  }
};
