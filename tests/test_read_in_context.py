"""'Read in context': a source's whole text as HTML, escaped, with the excerpt marked."""

from __future__ import annotations

from caucmap.render_web import context_html
from caucmap.textmatch import locate

TEXT = "Intro <b>bold</b> & more.\nThe <script>x()</script> excerpt here.\nOutro."


def test_the_excerpt_is_marked_and_every_part_escaped() -> None:
    page = context_html(TEXT, locate(TEXT, "The <script>x()</script> excerpt"))
    assert page == (
        '<pre class="cm-source" style="white-space:pre-wrap;font-size:0.85em">'
        "Intro &lt;b&gt;bold&lt;/b&gt; &amp; more.\n"
        '<mark id="cm-excerpt">The &lt;script&gt;x()&lt;/script&gt; excerpt</mark>'
        " here.\nOutro.</pre>")


def test_a_text_without_the_excerpt_is_shown_whole_and_escaped() -> None:
    assert context_html(TEXT, None) == (
        '<pre class="cm-source">Intro &lt;b&gt;bold&lt;/b&gt; &amp; more.\n'
        "The &lt;script&gt;x()&lt;/script&gt; excerpt here.\nOutro.</pre>")
