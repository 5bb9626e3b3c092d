/* caucmap: map labels placed in the browser, without collisions, by priority
 * (render_web and caucmap.web_labels send them).
 *
 *   caucmap.labels(parent, items)
 *   caucmap.fetchLabels(parent, url)   the same, fetched as {keys, rows} (thousands of them)
 *     parent: the map, or a layer group on it (its labels leave with it)
 *     items:  [{lat, lon, text, priority, minZoom, cls, dot?, keep?, start?, end?}, ...]
 *       text      HTML the server has escaped (caucmap.markup.text_html)
 *       priority  lower is placed first and wins a collision; ties keep the given order
 *       minZoom   shown from this zoom on
 *       cls       CSS class(es) of the text, e.g. "cm-place", "cm-region-label"
 *       dot       a CSS class: draw a dot at the point and set the text beside it (right,
 *                 left, above or below, whichever is free); without it the text is centred
 *       beside    centred, or else beside a marker drawn on the point (a record's label)
 *       keep      always drawn (still reserving its box), e.g. the regions' names
 *       start/end day numbers (Python date.toordinal()): shown only while they overlap
 *                 the date window map.cmWindow (timefilter.js), re-checked on 'cmwindow'
 *
 * Every set of labels on a map joins one manager: on zoomend, moveend, resize, cmwindow
 * and when a marker comes or goes, it places every eligible label in view, most important first, each at the
 * first candidate position inside the map whose box (and dot) overlaps no box placed
 * before it nor an event or war marker (.cm-marker); a label with no free position is
 * hidden. Labels live in the 'cm-labels' pane, above the
 * areas and lines and below the markers, and never take the pointer.
 */
window.caucmap = window.caucmap || {};

(function (cm) {
  var PANE = 'cm-labels', PANE_Z = 445, GAP = 2, DOT = 4, MARKER = 9;  // half sizes, px

  function manager(map) {
    if (map._cmLabels) { return map._cmLabels; }
    var m = map._cmLabels = {sets: [], pending: false};
    if (!map.getPane(PANE)) {
      var pane = map.createPane(PANE);
      pane.style.zIndex = PANE_Z;
      pane.style.pointerEvents = 'none';
    }
    m.schedule = function () {
      if (m.pending) { return; }
      m.pending = true;
      setTimeout(function () { m.pending = false; cm.placeLabels(map); }, 0);
    };
    map.on('zoomend moveend resize cmwindow', m.schedule);
    if (window.ResizeObserver) {  // a frame shown late (Streamlit) resizes without 'resize'
      new ResizeObserver(m.schedule).observe(map.getContainer());
    }
    map.on('layeradd layerremove', function (e) {  // a marker came or went: labels avoid it
      if (e.layer instanceof L.Marker && e.layer.options.pane !== PANE) { m.schedule(); }
    });
    return m;
  }

  function inWindow(map, item) {
    var w = map.cmWindow;
    return !w || item.start === undefined || (item.start <= w.end && item.end >= w.start);
  }

  // on the map (DOM writes only): every label is shown before any is measured, as a read
  // between writes would lay the page out once a label (100 ms for a few hundred)
  function show(item, set) {
    if (!item.marker) {
      var html = (item.dot ? '<i class="cm-dot ' + item.dot + '"></i>' : '') +
        '<span class="cm-text ' + item.cls + '">' + item.text + '</span>';
      item.marker = L.marker([item.lat, item.lon], {
        pane: PANE, interactive: false, keyboard: false,
        icon: L.divIcon({className: 'cm-label', html: html, iconSize: [0, 0], iconAnchor: [0, 0]})
      });
    }
    if (!set.group.hasLayer(item.marker)) { set.group.addLayer(item.marker); }
  }

  function measure(item) {
    item.span = item.marker.getElement().querySelector('.cm-text');
    if (!item.w) { item.w = item.span.offsetWidth; item.h = item.span.offsetHeight; }  // 0: not laid out
  }

  function hide(item, set) {
    if (item.marker && set.group.hasLayer(item.marker)) { set.group.removeLayer(item.marker); }
  }

  // text offsets from the anchor: centred, or beside a dot (right, left, above, below),
  // then the same clear of a marker drawn on the point
  function candidates(item) {
    var w = item.w, h = item.h, out = [];
    if (item.beside) {  // centred (a line's middle), else clear of a marker on the point
      var d = MARKER + 2;
      return [[-w / 2, -h / 2], [d, -h / 2], [-d - w, -h / 2], [-w / 2, -h - d], [-w / 2, d]];
    }
    if (!item.dot) { return [[-w / 2, -h / 2]]; }
    [DOT + 2, MARKER + 2].forEach(function (d) {
      out.push([d, -h / 2], [-d - w, -h / 2], [-w / 2, -h - d], [-w / 2, d]);
    });
    return out;
  }

  function overlaps(a, placed) {
    for (var i = 0; i < placed.length; i++) {
      var b = placed[i];
      if (a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP &&
          a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP) { return true; }
    }
    return false;
  }

  // every label of the map, in priority order (ties: the order they came in)
  function ordered(m) {
    var all = [];
    m.sets.forEach(function (set) {
      set.items.forEach(function (item) { all.push({item: item, set: set}); });
    });
    return all.sort(function (a, b) {
      return a.item.priority - b.item.priority || a.item.seq - b.item.seq;
    });
  }

  // the event and war markers on the map (points.js): a label must not cover one
  function markerBoxes(map) {
    var frame = map.getContainer().getBoundingClientRect(), out = [];
    map.getContainer().querySelectorAll('.cm-marker').forEach(function (el) {
      var r = el.getBoundingClientRect();
      out.push({x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height});
    });
    return out;
  }

  cm.placeLabels = function (map) {
    var m = map._cmLabels;
    if (!m) { return []; }
    var zoom = map.getZoom(), size = map.getSize(), placed = [], shown = [];
    if (!size.x || !size.y) { return shown; }  // a hidden frame: placed once it shows
    var markers = markerBoxes(map), eligible = [];
    ordered(m).forEach(function (e) {
      var item = e.item, set = e.set;
      var p = map.latLngToContainerPoint([item.lat, item.lon]);
      var onScreen = p.x > -200 && p.y > -50 && p.x < size.x + 200 && p.y < size.y + 50;
      var visible = zoom >= item.minZoom && inWindow(map, item) && (onScreen || item.keep);
      if (!visible) { hide(item, set); return; }
      show(item, set);
      eligible.push({item: item, set: set, p: p});
    });
    eligible.forEach(function (e) { measure(e.item); });
    eligible.forEach(function (e) {
      var item = e.item, set = e.set, p = e.p, span = item.span;
      var dot = item.dot ? {x: p.x - DOT, y: p.y - DOT, w: 2 * DOT, h: 2 * DOT} : null;
      var spot = null, options = candidates(item);
      for (var i = 0; i < options.length && !spot; i++) {
        var box = {x: p.x + options[i][0], y: p.y + options[i][1], w: item.w, h: item.h};
        var inside = box.x >= 0 && box.y >= 0 && box.x + box.w <= size.x &&
          box.y + box.h <= size.y;  // not cut by the map's edge
        var free = inside && !overlaps(box, placed) && !overlaps(box, markers) &&
          !(dot && overlaps(dot, placed));  // a dot may hide under a marker
        if (item.keep || free) {
          spot = {box: box, offset: options[i]};
        }
      }
      if (!spot) { hide(item, set); return; }
      span.style.left = spot.offset[0] + 'px';
      span.style.top = spot.offset[1] + 'px';
      placed.push(spot.box);
      if (dot) { placed.push(dot); }
      shown.push(item.text);
    });
    return shown;
  };

  var seq = 0;
  cm.labels = function (parent, items) {
    var set = {items: items, group: L.layerGroup()};
    items.forEach(function (item) { item.seq = seq++; });
    set.group.on('add', function () {
      var m = manager(set.group._map);
      if (m.sets.indexOf(set) < 0) { m.sets.push(set); }
      m.schedule();
    });
    set.group.on('remove', function () {  // Leaflet clears _map only after 'remove'
      var m = set.group._map._cmLabels, i = m.sets.indexOf(set);
      if (i >= 0) { m.sets.splice(i, 1); }
    });
    set.group.addTo(parent);
    return set;
  };

  cm.fetchLabels = function (parent, url) {
    cm.fetchOnce(url, 'json').then(function (table) {  // {keys, rows}: a null value is not set
      cm.labels(parent, table.rows.map(function (row) {
        var item = {};
        table.keys.forEach(function (k, i) { if (row[i] !== null) { item[k] = row[i]; } });
        return item;
      }));
    });
  };
}(window.caucmap));
