/* caucmap: the map inside the app's page. st_folium's frame has the page's origin, so
 * the map can read the page around it and size its own frame; in a standalone file (no
 * page, or another origin) these return null and change nothing.
 *
 *   caucmap.page.window(min, max)  the server's date window [start, end] in day numbers:
 *                                  the page's #cm-window (rewritten on each rerun), else
 *                                  the address's from/to (a cold open's first screen has
 *                                  no marker; the server has cleaned the address)
 *   caucmap.page.slider()          the sidebar slider's window while it moves, or null
 *   caucmap.page.fit()             map first: the page's top margin narrows and the
 *                                  frame takes the window's height less a legend line
 *                                  (rules in the page's head)
 *
 * fit() runs as this file loads, before the map exists: Leaflet starts at the frame's
 * final size, as a later resize would move the map's centre (and the map would report
 * a move the reader did not make).
 */
window.caucmap = window.caucmap || {};

window.caucmap.page = (function (cm) {
  var FIT_ID = 'cm-frame-fit';
  var FIT = '[data-testid="stMainBlockContainer"]{padding-top:2.5rem}' +
            'iframe[title="streamlit_folium.st_folium"]' +
            '{height:max(420px,calc(100vh - 130px)) !important}';

  function page() {
    try {
      return window.parent !== window && window.parent.document ? window.parent : null;
    } catch (e) { return null; }  // another origin
  }

  function day(iso) {
    return /^\d{4}-\d{2}-\d{2}$/.test(iso || '') ? cm.dayOf(new Date(iso + 'T00:00:00Z')) : NaN;
  }

  return {
    window: function (min, max) {
      var top = page();
      if (!top) { return null; }
      var node = top.document.getElementById('cm-window');
      if (node) {
        var parts = node.getAttribute('data-window').split(' ').map(Number);
        return parts.length === 2 && parts[0] > 0 ? parts : null;
      }
      var query = new URLSearchParams(top.location.search);
      var from = query.has('from') ? day(query.get('from')) : min;
      var to = query.has('to') ? day(query.get('to')) : max;
      return isNaN(from) || isNaN(to) ? null : [from, to];
    },

    // the sidebar's date slider (its two thumbs' ISO dates), read while it moves; null
    // when the page has none or its markup is not the one expected: #cm-window still
    // follows
    slider: function () {
      var top = page();
      var box = top && top.document.querySelector(
        '[data-testid="stSidebar"] [data-testid="stSlider"]');
      var thumbs = box ? box.querySelectorAll('input[type="range"]') : [];
      if (thumbs.length !== 2) { return null; }
      var days = Array.prototype.map.call(thumbs, function (t) {
        return day(t.getAttribute('aria-valuetext'));
      });
      return isNaN(days[0]) || isNaN(days[1]) ? null : days;
    },

    fit: function () {
      var top = page();
      if (!top || top.document.getElementById(FIT_ID)) { return; }
      var rule = top.document.createElement('style');
      rule.id = FIT_ID;
      rule.textContent = FIT;
      top.document.head.appendChild(rule);
    }
  };
}(window.caucmap));
window.caucmap.page.fit();
