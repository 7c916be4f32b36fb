"""Tuyến & Điểm nóng — the server: ``streamlit run server.py``.

The dashboard itself is ``app.py`` (Streamlit pages); this file puts the sign-in gate in front of it
(``gate.py``: the sign-in page, the session cookie, every request checked). Serving on
127.0.0.1 by default (``.streamlit/config.toml``); see the README to serve a network behind TLS.

Two fixes for shared links (deep links must open cleanly, the first one after a start included):

- The pages are declared with ``st.navigation`` in ``app.py`` only. Streamlit also knows the older
  "``pages/`` folder" way: a server whose main script has a ``pages/`` folder beside it runs its first
  script run inside an automatic navigation made of the files in ``pages/`` (``/bien_gioi``,
  ``/tong_quan``...), until a script has called ``st.navigation`` (``PagesManager.uses_pages_directory``,
  one flag for the whole process). So the first visitor after a start who opened a deep link
  (``/bien-gioi?prov=40``, where the sign-in sends them) got "Page not found" over the right page, and a
  first run that stops before ``st.navigation`` (the forced password change) showed that folder's
  pages as links that run a page file without ``app.py`` in front of it. The flag is set here, before
  any session exists, exactly as ``st.navigation`` itself sets it: only ``app.py``'s pages exist.
- ``st.navigation`` serves the default page at ``/`` only, not at its own ``url_path``: ``/tong-quan``
  showed "Page not found" every time. It is redirected to ``/`` (query kept) here.
"""
import streamlit as st
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

import gate

DEFAULT_PAGE_PATH = "/tong-quan"  # the url_path of app.py's default page


def _navigation_only() -> None:
    """Never the ``pages/`` folder's automatic navigation, from the first script run on."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


async def default_page(request: Request) -> RedirectResponse:
    """``/tong-quan?...`` -> ``/?...`` (behind the gate like every page address)."""
    query = request.url.query
    return RedirectResponse("/" + ("?" + query if query else ""), status_code=307)


async def map_layer(request: Request) -> Response:
    """A map's context layer or script (``geo.render.fetched``), behind the gate like every page address;
    named by its content, so the signed-in browser keeps it."""
    from geo.render import fetched

    path = fetched.layer_file(request.path_params["name"])
    if path is None:
        return Response("not found", status_code=404, headers={"Cache-Control": "no-store"})
    return FileResponse(path, media_type=fetched.media_type(path.name), headers={"Cache-Control": fetched.CACHE_CONTROL})


_navigation_only()
app = st.App("app.py", routes=[*gate.routes(), Route(DEFAULT_PAGE_PATH, default_page, methods=["GET", "HEAD"]),
                               Route("/map-layers/{name}", map_layer, methods=["GET", "HEAD"])],
             middleware=gate.middleware())
