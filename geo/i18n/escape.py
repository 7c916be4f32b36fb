"""Text from data, made inert before it reaches a renderer that reads markup.

Streamlit renders GitHub-flavoured Markdown (plus LaTeX between ``$``, colour directives ``:red[...]``, icons
``:material/...:``, emoji short codes) in ``st.markdown``, ``st.caption``, ``st.info`` / ``warning`` / ``error`` /
``success``, ``st.title`` / ``header`` / ``subheader``, the labels and values of ``st.metric``, every widget label,
radio options, expander and tab labels, and every ``help=`` tooltip. A place name, a source, a note, a file
name or an error message that quotes a cell comes from a file someone imported: it must show as the characters
it is, never as a link, an image (which makes every viewer's browser fetch its address), emphasis, a heading,
a list, a table, a formula or HTML.

- :func:`md` escapes one piece of text for those calls (put it inside a string that may carry the app's own
  Markdown: ``st.caption(f"**{tr('source')}**: {md(row.source)}")``);
- :func:`html_text` escapes text for HTML, also where folium puts it in JavaScript (popups, tooltips).

Never pass the result of :func:`md` through :func:`md` again (the backslashes would show).
"""
from __future__ import annotations

import html
import math
import re

# Every ASCII punctuation character that means something to CommonMark, GFM (tables, strikethrough, autolinks
# of www./http:/e-mail), remark-math ($) or Streamlit's own directives (:red[...], :material/...:, emoji
# codes). CommonMark shows a backslash-escaped ASCII punctuation character as itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:@=^\"'])")
# Line and paragraph breaks of every kind: a line break in data would let it start a block of its own
# (a heading underline, an indented code block, a list, a table row).
_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}")


def _plain(text) -> str:
    if text is None:
        return ""
    if isinstance(text, float) and math.isnan(text):
        return ""
    return str(text)


def md(text) -> str:
    """``text`` (any value; None and NaN give "") escaped for Streamlit's Markdown: shown exactly as its
    characters, on one line (line breaks become spaces, runs of spaces one space: Markdown would eat them)."""
    text = _plain(text)
    text = _BREAKS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    # HTML first, as character references (they stay text even where raw HTML is allowed)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_join(parts, sep: str = ", ") -> str:
    """Several pieces of data text, each escaped, joined with ``sep`` (the app's own, not escaped)."""
    return sep.join(md(p) for p in parts)


# Beyond HTML's own five: folium writes tooltip and popup HTML into JavaScript template literals (`...`), where
# "${...}" runs as code and a backslash starts an escape ("\\x3c" becomes "<"). As character references they are
# plain text both for JavaScript and for the HTML that the literal becomes.
_JS_TEMPLATE = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})


def html_text(text) -> str:
    """``text`` escaped for HTML (quotes included: safe inside an attribute too) and for the JavaScript template
    literals folium puts tooltips and popups in (`` ` ``, ``$``, braces and backslashes as character
    references); None and NaN give ""."""
    return html.escape(_plain(text), quote=True).translate(_JS_TEMPLATE)


def unescape_md(source: str) -> str:
    """What a reader sees of text made with :func:`md` (for tests and for checking a rendered label)."""
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source))
