/* caucmap: areas and lines: region, border and world geometry fetched once from
 * app/static/geodata (the browser caches it), or given inline (a standalone file, or the
 * war's computed lines and zones). Only the per-feature style and tooltip tables travel
 * with the map (render_web.FetchedGeoJson sends them).
 *
 *   caucmap.geometry(parent, {styles, tips, key, fallback, pane, url, epochs, days, kind},
 *                    inlineGeoJson?)
 *
 * styles/tips are keyed by the feature property `key`; a feature with no style of its
 * own is drawn with `fallback`, or not at all when fallback is null. Two dated forms
 * follow the date window (timefilter.js):
 *   epochs: [{day, iso, styles, tips, fallback}, ...] by day: the tables in force at the
 *           window's end (recognition changes a few times in 30 years), "as of" dates
 *           in tooltips read as the window's end;
 *   days:   {keyValue: [start, end]}: a feature shows while its dates overlap the window,
 *           counted under `kind`.
 * Tooltips are HTML the server has already escaped.
 */
window.caucmap = window.caucmap || {};

window.caucmap.geometry = function (parent, o, inline) {
  function draw(data) {
    var all = o.epochs ? o.epochs.reduce(function (keys, ep) {
      return Object.assign(keys, ep.styles);
    }, {}) : o.styles;
    var drawn = [];
    var group = L.geoJSON(data, {
      pane: o.pane,
      filter: function (f) {
        return o.fallback !== null || (o.epochs && o.epochs.some(function (ep) {
          return ep.fallback !== null;
        })) || f.properties[o.key] in all;
      },
      style: function (f) { return o.styles[f.properties[o.key]] || o.fallback; },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 5}); },
      onEachFeature: function (f, layer) {
        drawn.push(layer);
        var tip = o.tips[f.properties[o.key]];
        if (tip) { layer.bindTooltip(tip, {sticky: true}); }
      }
    }).addTo(parent);
    window.caucmap.onMap(parent, function (map) {
      if (o.epochs) { window.caucmap.dated(map, epochs(group, drawn)); }
      if (o.days) { window.caucmap.dated(map, days(group, drawn)); }
    });
  }

  function epochs(group, drawn) {
    var current = -1, shownEnd = null;
    return function (s, e) {
      var at = 0;
      for (var i = 0; i < o.epochs.length; i++) { if (o.epochs[i].day <= e) { at = i; } }
      if (at === current && e === shownEnd) { return {}; }
      current = at;
      shownEnd = e;
      var ep = o.epochs[at], asOf = 'as of ' + window.caucmap.iso(e);
      drawn.forEach(function (layer) {
        var k = layer.feature.properties[o.key], look = ep.styles[k] || ep.fallback;
        if (!look) { group.removeLayer(layer); return; }
        if (!group.hasLayer(layer)) { group.addLayer(layer); }
        layer.setStyle(look);
        var tip = ep.tips[k];
        layer.unbindTooltip();
        if (tip) { layer.bindTooltip(tip.split('as of ' + ep.iso).join(asOf), {sticky: true}); }
      });
      return {};
    };
  }

  function days(group, drawn) {
    return function (s, e) {
      var out = {};
      out[o.kind] = 0;
      drawn.forEach(function (layer) {
        var d = o.days[layer.feature.properties[o.key]];
        var on = !d || (d[0] <= e && d[1] >= s);
        if (d && on) { out[o.kind] += 1; }
        if (on && !group.hasLayer(layer)) { group.addLayer(layer); }
        if (!on && group.hasLayer(layer)) { group.removeLayer(layer); }
      });
      return out;
    };
  }

  if (inline) {
    draw(inline);
  } else {
    window.caucmap.fetchOnce(o.url, 'json').then(draw);
  }
};

// one request and one parse a file, however many layers draw from it (the regions
// carry both the recognition shading and the regions' outlines); `as` names the body
// reader: 'json' or 'arrayBuffer'. caucmap.drawn() tells when all of them are drawn.
window.caucmap.fetchOnce = function (url, as) {
  var cache = window.caucmap._fetched = window.caucmap._fetched || {};
  if (!cache[url]) {
    cache[url] = fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
      return r[as]();
    });
  }
  return cache[url];
};

// settles once every file asked for through fetchOnce is in and what draws from it has
// run (its callbacks come first), and the browser has painted; a failed file counts as
// done, so the page is not held back by it
window.caucmap.drawn = function () {
  var cache = window.caucmap._fetched || {};
  var urls = Object.keys(cache);
  return Promise.all(urls.map(function (u) {
    return cache[u].catch(function () { return null; });
  })).then(function () {
    if (Object.keys(window.caucmap._fetched || {}).length !== urls.length) {
      return window.caucmap.drawn();  // a file asked for meanwhile
    }
    return new Promise(function (done) {
      requestAnimationFrame(function () { setTimeout(done, 0); });
    });
  });
};
