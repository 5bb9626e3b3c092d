/* caucmap: region, border and world geometry, fetched once from app/static/geodata (the
 * browser caches it) or given inline in a standalone file. Only the per-feature style and
 * tooltip tables travel with each rerun (render_web.FetchedGeoJson sends them).
 *
 *   caucmap.geometry(parent, {styles, tips, key, fallback, pane, url}, inlineGeoJson?)
 *
 * styles/tips are keyed by the feature property `key`; a feature with no style of its
 * own is drawn with `fallback`, or not at all when fallback is null. Tooltips are HTML
 * the server has already escaped.
 */
window.caucmap = window.caucmap || {};

window.caucmap.geometry = function (parent, o, inline) {
  function draw(data) {
    L.geoJSON(data, {
      pane: o.pane,
      filter: function (f) { return o.fallback !== null || f.properties[o.key] in o.styles; },
      style: function (f) { return o.styles[f.properties[o.key]] || o.fallback; },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 5}); },
      onEachFeature: function (f, layer) {
        var tip = o.tips[f.properties[o.key]];
        if (tip) { layer.bindTooltip(tip, {sticky: true}); }
      }
    }).addTo(parent);
  }
  if (inline) {
    draw(inline);
  } else {
    fetch(o.url).then(function (r) { return r.json(); }).then(draw);
  }
};
