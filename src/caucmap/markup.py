"""Text from sources and the catalogue made safe for each output: HTML and markdown.

Catalogue and source text is data, never markup: a title saying ``<script>`` or
``[x](javascript:...)`` must reach the reader as those characters. Every output
escapes through here (the web map's tooltips and popups, the app's panel, the
evidence card in markdown).

    >>> text_html("a < b\nc")                     # 'a &lt; b<br>c'
    >>> md_text("**bold** https://x.example")     # '\\*\\*bold\\*\\* *https*://x\\.example'
    >>> md_link("Kremlin", "http://kremlin.ru/events/president/news/47045")
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

LINK_SAFE = ":/?#@!$&'*+,;=%~"  # URL punctuation kept; ( ) < > space and [ ] are encoded
MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|~<>&:$=")
# where GFM would start a bare link: a scheme before "://", "www" before ".", a mailbox
AUTOLINK_START = re.compile(r"https?(?=://)|www(?=\.)|\w[-.\w+]*(?=@[-\w]+\.[-\w])",
                            re.IGNORECASE)


def text_html(text: str) -> str:
    """Plain text to safe HTML, keeping line breaks."""
    return html.escape(text).replace("\n", "<br>")


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in text)


def md_text(text: str) -> str:
    """Escape text for (Streamlit) markdown: no markup, entity, HTML or link from data
    gets through.

    GitHub-flavoured markdown turns a bare ``https://...``, ``www.`` or e-mail address
    into a link even when its punctuation is escaped (escapes are undone before links are
    found). Setting the scheme, ``www`` or the mailbox in emphasis splits the text there,
    so no link forms, and the characters stay exactly those of the source.
    """
    flat = " ".join(text.split())  # a newline could start a heading or a list
    out, done = [], 0
    for match in AUTOLINK_START.finditer(flat):
        out += [_md_escape(flat[done:match.start()]), f"*{_md_escape(match.group())}*"]
        done = match.end()
    return "".join([*out, _md_escape(flat[done:])])


def md_link(label: str, address: str) -> str:
    """A markdown link whose target cannot break out of the parentheses."""
    return f"[{md_text(label)}]({quote(address, safe=LINK_SAFE)})"
