/* caucmap: the map inside the app's page. The map's frame has the page's origin, so
 * the map can read the page around it; in a standalone file (no page, or another
 * origin) these return null.
 *
 *   caucmap.page.window(min, max)  the server's date window [start, end] in day numbers:
 *                                  the page's #cm-window (rewritten on each rerun), else
 *                                  the address's from/to (a cold open's first screen has
 *                                  no marker; the server has cleaned the address)
 *   caucmap.page.slider()          the sidebar slider's window while it moves, or null
 */
window.caucmap = window.caucmap || {};

window.caucmap.page = (function (cm) {
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
    }
  };
}(window.caucmap));
