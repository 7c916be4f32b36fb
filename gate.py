"""The gate in front of the dashboard (Starlette; used by ``server.py`` through ``st.App``). Web glue, kept
outside ``geo/`` because it uses Streamlit's own auth helpers for the identity-provider bridge.

- Every request (pages, the websocket, components, media, uploads) needs a valid session cookie
  (:mod:`geo.auth.sessions`); without one, a page request is sent to ``/signin`` and every other
  request (the websocket included) is refused, so an anonymous visitor receives no map data and no
  figure. Only the sign-in page, sign-out, the health check and the identity-provider routes are open.
- ``/signin``: a plain HTML form (Vietnamese, with an English switch), no script, no outside resource.
- ``/signin/oidc``: when ``[auth]`` is configured in ``.streamlit/secrets.toml``, starts Streamlit's
  OpenID Connect sign-in; when the provider sends the person back, Streamlit's signed identity cookie
  is turned into a session of ours here (:func:`geo.auth.accounts.oidc_user` maps the role/scope).
- ``/signout``: ends the session (server-side) and clears the cookies.

Addresses in the audit trail are the client's address, or the first ``X-Forwarded-For`` entry when
``TDN_TRUST_PROXY=1`` (set it only behind your own reverse proxy).
"""
from __future__ import annotations

import asyncio
import html
import json
import os
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from geo.auth import accounts, audit, sessions
from geo.auth.sessions import COOKIE_NAME
from geo.i18n import t
from geo.i18n.auth import ta

OPEN_PATHS = ("/signin", "/signin/oidc", "/signout", "/_stcore/health", "/_stcore/script-health-check",
              "/auth/login", "/oauth2callback", "/auth/logout", "/favicon.ico")
_STREAMLIT_USER_COOKIE = "_streamlit_user"


def cookie_secure() -> bool:
    """``TDN_COOKIE_SECURE=1`` behind HTTPS: the session cookie is only sent over TLS."""
    return os.environ.get("TDN_COOKIE_SECURE", "").strip().lower() in ("1", "true", "yes", "on")


def client_address(scope) -> str:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    if os.environ.get("TDN_TRUST_PROXY", "").strip().lower() in ("1", "true", "yes", "on"):
        forwarded = headers.get("x-forwarded-for", "").split(",")[0].strip() or headers.get("x-real-ip", "")
        if forwarded:
            return forwarded[:100]
    client = scope.get("client")
    return (client[0] if client else "")[:100]


def _cookies(scope) -> dict[str, str]:
    from http.cookies import SimpleCookie

    raw = "; ".join(v.decode("latin-1") for k, v in scope.get("headers") or [] if k.lower() == b"cookie")
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return {}
    return {k: m.value for k, m in jar.items()}


def _safe_next(value: str | None) -> str:
    """Only a path of this site: never another host (no open redirect)."""
    value = (value or "/").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or value.startswith("/signin"):
        return "/"
    return value[:2000]


def _oidc_configured() -> bool:
    try:
        from streamlit.auth_util import get_secrets_auth_section

        section = get_secrets_auth_section()
        return bool(section and section.get("redirect_uri"))
    except Exception:
        return False


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------
_CSS = """
*{box-sizing:border-box}body{margin:0;font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;background:#eef2f7;
color:#1b2430}main{max-width:420px;margin:8vh auto;background:#fff;border-radius:10px;padding:32px 32px 24px;
box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:1.5rem;margin:0 0 2px;color:#0d47a1}.sub{margin:0 0 18px;color:#555}
label{display:block;font-weight:600;margin:14px 0 4px}input{width:100%;padding:10px;font-size:1rem;border:1px solid #b8c2cc;
border-radius:6px}button,.oidc{display:block;width:100%;margin-top:20px;padding:11px;font-size:1rem;border:0;border-radius:6px;
background:#0d47a1;color:#fff;cursor:pointer;text-align:center;text-decoration:none}.oidc{background:#fff;color:#0d47a1;
border:1px solid #0d47a1;margin-top:10px}.msg{padding:10px 12px;border-radius:6px;margin:12px 0;background:#fdecea;
color:#8a1c1c}.info{background:#e8f1fb;color:#0d3c78}.lead{font-size:.92rem;color:#333}.lang{float:right;font-size:.9rem}
footer{margin-top:22px;font-size:.8rem;color:#666}.or{text-align:center;color:#777;margin-top:14px;font-size:.9rem}
"""


def signin_page(lang: str = "vi", next_path: str = "/", message: str | None = None, info: str | None = None,
                username: str = "", status: int = 200) -> HTMLResponse:
    esc = html.escape
    other = "en" if lang != "en" else "vi"
    other_url = "/signin?" + urlencode({"lang": other, "next": next_path})
    parts = [f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             f"<title>{esc(ta('signin_title', lang))} · {esc(t('app_title', lang))}</title>",
             f"<style>{_CSS}</style></head><body><main>",
             f"<a class=\"lang\" href=\"{esc(other_url)}\">{esc(ta('other_lang', lang))}</a>",
             f"<h1>{esc(t('app_title', lang))}</h1><p class=\"sub\">{esc(t('app_subtitle', lang))}</p>",
             f"<p class=\"lead\">{esc(ta('signin_lead', lang))}</p>"]
    if message:
        parts.append(f"<div class=\"msg\" role=\"alert\">{esc(message)}</div>")
    if info:
        parts.append(f"<div class=\"msg info\" role=\"status\">{esc(info)}</div>")
    parts += [f"<form method=\"post\" action=\"/signin\"><input type=\"hidden\" name=\"next\" value=\"{esc(next_path)}\">",
              f"<input type=\"hidden\" name=\"lang\" value=\"{esc(lang)}\">",
              f"<label for=\"u\">{esc(ta('username', lang))}</label>",
              f"<input id=\"u\" name=\"username\" autocomplete=\"username\" required value=\"{esc(username)}\" autofocus>",
              f"<label for=\"p\">{esc(ta('password', lang))}</label>",
              "<input id=\"p\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>",
              f"<button type=\"submit\">{esc(ta('signin_button', lang))}</button></form>"]
    if _oidc_configured():
        oidc_url = "/signin/oidc?" + urlencode({"next": next_path})
        parts.append(f"<div class=\"or\">{esc(ta('or', lang))}</div>"
                     f"<a class=\"oidc\" href=\"{esc(oidc_url)}\">{esc(ta('signin_oidc', lang))}</a>")
    parts.append(f"<footer>{esc(ta('footer', lang))}</footer></main></body></html>")
    response = HTMLResponse("".join(parts), status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
    return response


def _lang(request: Request, form=None) -> str:
    value = (form or {}).get("lang") if form else None
    value = value or request.query_params.get("lang") or "vi"
    return "en" if value == "en" else "vi"


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def _set_session_cookie(response: Response, value: str, max_age: int) -> None:
    response.set_cookie(COOKIE_NAME, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=cookie_secure())


async def signin(request: Request) -> Response:
    if request.method == "GET":
        lang = _lang(request)
        info = {"out": ta("signed_out", lang), "expired": ta("expired", lang)}.get(request.query_params.get("m", ""))
        message = ta("oidc_failed", lang) if request.query_params.get("m") == "oidc" else None
        return signin_page(lang, _safe_next(request.query_params.get("next")), message=message, info=info)
    form = await request.form()
    lang = _lang(request, form)
    next_path = _safe_next(form.get("next"))
    username = str(form.get("username") or "")[:200]
    if not _same_origin(request):
        return signin_page(lang, next_path, ta("bad_origin", lang), username=username, status=403)
    address = client_address(request.scope)
    try:
        user = await asyncio.to_thread(accounts.authenticate, username, str(form.get("password") or ""), address)
    except accounts.AuthError as exc:
        return signin_page(lang, next_path, ta(exc.code, lang, **exc.info), username=username, status=401)
    value, max_age = await asyncio.to_thread(sessions.create, user, address)
    target = next_path
    if lang == "en" and "lang=" not in target:
        target += ("&" if "?" in target else "?") + "lang=en"
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, value, max_age)
    return response


async def signout(request: Request) -> Response:
    cookie = request.cookies.get(COOKIE_NAME)
    found = await asyncio.to_thread(sessions.lookup, cookie)
    if found:
        await asyncio.to_thread(sessions.revoke, cookie)
        await asyncio.to_thread(audit.record, "sign_out", found[0].username, "", client_address(request.scope))
    lang = _lang(request)
    response = RedirectResponse(f"/signin?m=out&lang={lang}", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    for name in list(request.cookies):
        if name.startswith(_STREAMLIT_USER_COOKIE) or name.startswith("_streamlit_user_tokens"):
            response.delete_cookie(name, path="/")
    return response


async def signin_oidc(request: Request) -> Response:
    lang = _lang(request)
    if not _oidc_configured():
        return signin_page(lang, "/", ta("oidc_off", lang), status=404)
    from streamlit.auth_util import encode_provider_token

    provider = os.environ.get("TDN_OIDC_PROVIDER", "default")
    return RedirectResponse("/auth/login?" + urlencode({"provider": encode_provider_token(provider)}), status_code=303)


def _oidc_claims(cookies: dict[str, str]) -> dict | None:
    """The identity in Streamlit's signed OIDC cookie (None when absent or not validly signed)."""
    if _STREAMLIT_USER_COOKIE not in cookies:
        return None
    try:
        from streamlit.auth_util import get_cookie_with_chunks
        from streamlit.web.server.server_util import get_cookie_secret
        from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

        def single(name: str) -> bytes | None:
            raw = cookies.get(name)
            if raw is None:
                return None
            return decode_signed_value(get_cookie_secret(), name, raw.encode("latin-1"))

        data = get_cookie_with_chunks(single, _STREAMLIT_USER_COOKIE)
        if not data:
            return None
        claims = json.loads(data)
        return claims if claims.get("is_logged_in") else None
    except Exception:
        return None


def _forget_oidc_identity(response: Response, cookies: dict[str, str]) -> None:
    """Streamlit's identity cookie (valid 30 days) is used once, to start a session of ours: from then on
    our session alone counts, so its lifetime, sign-out and an admin's revocation hold for OIDC too."""
    for name in cookies:
        if name.startswith(_STREAMLIT_USER_COOKIE):
            response.delete_cookie(name, path="/")


# --------------------------------------------------------------------------------------------------
# The gate
# --------------------------------------------------------------------------------------------------
class SignInGate:
    """ASGI middleware: nothing but the sign-in page without a valid session."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path in OPEN_PATHS:
            return await self.app(scope, receive, send)
        cookies = _cookies(scope)
        found = await asyncio.to_thread(sessions.lookup, cookies.get(COOKIE_NAME)) if cookies.get(COOKIE_NAME) else None
        if found:
            return await self.app(scope, receive, send)
        claims = _oidc_claims(cookies) if scope["type"] == "http" else None
        if claims:
            address = client_address(scope)
            try:
                user = await asyncio.to_thread(accounts.oidc_user, claims, address)
            except accounts.AuthError:
                response = RedirectResponse("/signin?m=oidc", status_code=303)
                _forget_oidc_identity(response, cookies)
                return await response(scope, receive, send)
            value, max_age = await asyncio.to_thread(sessions.create, user, address)
            target = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
            response = RedirectResponse(_safe_next(target), status_code=303)
            _set_session_cookie(response, value, max_age)
            _forget_oidc_identity(response, cookies)
            return await response(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401})
            return
        accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
        internal = path.startswith(("/_stcore", "/component", "/media", "/app/static", "/static"))
        if internal or ("text/html" not in accept and path != "/"):
            return await Response("sign-in required", status_code=401,
                                  headers={"Cache-Control": "no-store"})(scope, receive, send)
        query = scope.get("query_string", b"").decode("latin-1")
        target = path + ("?" + query if query else "")
        expired = COOKIE_NAME in cookies
        location = "/signin?" + urlencode({"next": _safe_next(target)}) + ("&m=expired" if expired else "")
        response = RedirectResponse(location, status_code=303)
        if expired:
            response.delete_cookie(COOKIE_NAME, path="/")
        return await response(scope, receive, send)


def routes() -> list[Route]:
    return [Route("/signin", signin, methods=["GET", "POST"]), Route("/signout", signout, methods=["GET", "POST"]),
            Route("/signin/oidc", signin_oidc, methods=["GET"])]


def middleware() -> list:
    from starlette.middleware import Middleware

    return [Middleware(SignInGate)]
