/* caucmap: point markers built in the browser from compact data (render_web.PointLayer),
 * not one folium Marker each. Each distinct symbol (icon) is sent once.
 *
 *   caucmap.points(group, icons, rows)
 *     rows: [[lat, lon, icon, tooltipHtml, popupHtml], ...]: SVG icon markers
 *   caucmap.canvasPoints(group, icons, pane, cols)
 *     cols: {lat, lon, icon: base64 Int32/Int32/Uint8 arrays, label}: past a few thousand
 *     points, all drawn on one canvas in `pane` (no Leaflet object per point); hover and
 *     click are hit-tested here, and a clicked point is named by position ("ref: #N"),
 *     which the server maps back to its event.
 *
 * Tooltip and popup HTML arrive escaped by the server.
 */
window.caucmap = window.caucmap || {};

window.caucmap.points = function (group, icons, rows) {
  var divs = icons.map(function (i) {
    return L.divIcon({html: i.svg, className: 'cm-marker', iconSize: [18, 18],
                      iconAnchor: [9, 9]});
  });
  rows.forEach(function (r) {
    var m = L.marker([r[0], r[1]], {icon: divs[r[2]]});
    if (r[3]) { m.bindTooltip(r[3]); }
    if (r[4]) { m.bindPopup(r[4], {maxWidth: 360}); }
    m.addTo(group);
  });
};

window.caucmap.canvasPoints = function (group, icons, pane, cols) {
  function decode(b64, T) {
    var s = atob(b64), u = new Uint8Array(s.length);
    for (var k = 0; k < s.length; k++) { u[k] = s.charCodeAt(k); }
    return new T(u.buffer);
  }
  var lat = decode(cols.lat, Int32Array), lon = decode(cols.lon, Int32Array);
  var sym = decode(cols.icon, Uint8Array), n = lat.length;
  // Web Mercator pixels at zoom 0, once; a redraw only scales and shifts them
  var px = new Float64Array(n), py = new Float64Array(n), order = new Uint32Array(n);
  for (var k = 0; k < n; k++) {
    var phi = lat[k] / 1e5 * Math.PI / 180;
    px[k] = (lon[k] / 1e5 + 180) / 360 * 256;
    py[k] = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2 * 256;
    order[k] = k;
  }
  order.sort(function (a, b) { return sym[a] - sym[b]; });  // one paint style per run
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
      map.on('moveend resize', this._draw, this);
      map.on('click', this._click, this);
      map.on('mousemove', this._hover, this);
      this._draw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize', this._draw, this);
      map.off('click', this._click, this);
      map.off('mousemove', this._hover, this);
      map.closeTooltip(this._tip);
      if (this._probe) { group.removeLayer(this._probe); }
    },
    _draw: function () {
      var map = this._map, size = map.getSize(), c = this._canvas;
      L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
      c.width = size.x;
      c.height = size.y;
      var ctx = c.getContext('2d'), scale = Math.pow(2, map.getZoom());
      var tl = map.getPixelBounds().min, sx = this._sx, sy = this._sy, last = -1;
      for (var j = 0; j <= n; j++) {
        var i = order[j];
        if (j === n || sym[i] !== last) {
          if (last >= 0) {
            var icon = icons[last];
            ctx.globalAlpha = icon.opacity;
            ctx.strokeStyle = ctx.fillStyle = icon.color;
            if (icon.hollow) { ctx.lineWidth = 1.5; ctx.stroke(); } else { ctx.fill(); }
          }
          if (j === n) { break; }
          last = sym[i];
          ctx.beginPath();
        }
        var x = px[i] * scale - tl.x, y = py[i] * scale - tl.y;
        sx[i] = x;
        sy[i] = y;
        if (x < -5 || y < -5 || x > size.x + 5 || y > size.y + 5) { continue; }
        ctx.moveTo(x + 3.5, y);
        ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
      }
    },
    _nearest: function (p) {
      var best = -1, dist = 49;  // within 7 px
      for (var i = 0; i < n; i++) {
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
      // streamlit-folium's click handler reads its tooltip
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
  group.addLayer(new Points());
};
