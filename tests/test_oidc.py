"""Sign-in through the organisation's identity provider (OpenID Connect), end to end and offline.

A local OpenID Connect provider (``oidc-provider-mock``, a Flask app) runs in a thread on a loopback
port; the app (``streamlit run server.py``) gets an ``[auth]`` section pointing at it through a
temporary secrets file (``STREAMLIT_SECRETS_FILES``); Debian's chromium goes through the real flow:
our sign-in page → ``/signin/oidc`` → Streamlit's ``/auth/login`` → the provider's authorization form →
``/oauth2callback`` → our gate turns Streamlit's identity cookie into a session of ours.
"""
from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from playwright.sync_api import expect

from .browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, demo_store, free_port, running_app

pytestmark = pytest.mark.browser

PERSON = {"sub": "canbo-na-01", "email": "canbo@example.vn", "name": "Cán bộ Nghệ An",
          "tdn_role": "analyst", "tdn_provinces": "40"}
DISABLED = {"sub": "nghi-viec-02", "email": "nghiviec@example.vn", "name": "Đã nghỉ việc", "tdn_role": "admin"}
LOCAL_NAME = "admin-local"  # a local account: an identity-provider person of the same name must not get it


@pytest.fixture(scope="module")
def provider():
    """The mock OpenID Connect provider on a free loopback port; yields its base URL."""
    import werkzeug.serving
    from oidc_provider_mock import app as provider_app

    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    for person in (PERSON, DISABLED, {"sub": "local-clash", "preferred_username": LOCAL_NAME, "tdn_role": "admin"}):
        claims = {k: v for k, v in person.items() if k != "sub"}
        request = urllib.request.Request(f"{url}/users/{person['sub']}", data=json.dumps(claims).encode(),
                                         method="PUT", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 204
    yield url
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """A temporary store with the demo data, a disabled identity-provider account and a local one."""
    url = demo_store(tmp_path_factory.mktemp("oidc-store"), "x.sqlite")  # as `python -m geo demo` loads it
    from geo.auth import accounts
    from geo.data import store

    engine = store._make_engine(url)  # its own engine, closed afterwards: the app's process opens the store
    try:
        accounts.add_user(DISABLED["email"], "viewer", auth="oidc", by="test", engine=engine)
        accounts.set_disabled(DISABLED["email"], True, by="test", engine=engine)
        accounts.add_user(LOCAL_NAME, "viewer", password="Kiem-thu-2026!", by="test", engine=engine)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def app_url(provider, store_url, tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    secrets = tmp_path_factory.mktemp("oidc-secrets") / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "kiem-thu-oidc-cookie-secret-0123456789"\n'
        'client_id = "tdn-dashboard"\n'
        'client_secret = "kiem-thu-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    with running_app({"TDN_DATABASE_URL": store_url, "STREAMLIT_SECRETS_FILES": str(secrets)}, port=port) as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def provider_sign_in(page, app_url: str, sub: str) -> None:
    """From anywhere in the app: our sign-in page → organisation button → the provider's form as ``sub``."""
    page.goto(app_url + "/", wait_until="domcontentloaded")
    page.wait_for_url("**/signin?**", timeout=15_000)
    button = page.get_by_role("link", name="Đăng nhập bằng tài khoản cơ quan")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_url("**/oauth2/authorize?**", timeout=15_000)
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_organisation_sign_in_and_out(browser, app_url, store_url):
    from geo.auth import accounts, audit
    from geo.data import store

    engine = store.get_engine(store_url)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    provider_sign_in(page, app_url, PERSON["sub"])
    page.wait_for_url(lambda u: u.startswith(app_url) and "/signin" not in u and "/oauth2callback" not in u,
                      timeout=20_000)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_contain_text(f"Đăng nhập: {PERSON['name']} · Phân tích viên", timeout=60_000)
    expect(sidebar).to_contain_text("Phạm vi: Tỉnh Nghệ An")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=60_000)  # the websocket serves them
    page.screenshot(path=str(ARTIFACTS / "oidc-signed-in.png"))
    names = {c["name"] for c in context.cookies()}
    assert "tdn_session" in names
    assert not any(n.startswith("_streamlit_user") for n in names), names  # the identity cookie is used once

    user = accounts.get_user(PERSON["email"], engine)
    assert user is not None and (user.auth, user.role, user.provinces) == ("oidc", "analyst", ("40",))
    assert user.display_name == PERSON["name"]
    lines = audit.entries(action="sign_in", username=PERSON["email"], engine=engine)
    assert list(lines["detail"]) == ["oidc"]

    page.goto(app_url + "/signout")
    page.wait_for_url("**/signin?m=out**")
    page.goto(app_url + "/")
    page.wait_for_url("**/signin?**")
    assert "tdn_session" not in {c["name"] for c in context.cookies()}
    assert len(audit.entries(action="sign_out", username=PERSON["email"], engine=engine)) == 1
    context.close()


def test_disabled_account_cannot_sign_in(browser, app_url, store_url):
    from geo.auth import audit
    from geo.data import store

    engine = store.get_engine(store_url)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    provider_sign_in(page, app_url, DISABLED["sub"])
    page.wait_for_url("**/signin?m=oidc**", timeout=20_000)
    expect(page.get_by_role("alert")).to_have_text("Không đăng nhập được bằng tài khoản cơ quan.")
    assert "tdn_session" not in {c["name"] for c in context.cookies()}
    page.goto(app_url + "/")
    page.wait_for_url("**/signin?**")
    assert "m=oidc" not in page.url  # the refused identity is not tried again on every request
    refused = audit.entries(action="sign_in_failed", username=DISABLED["email"], engine=engine)
    assert list(refused["detail"]) == ["oidc: account disabled"]
    assert audit.entries(action="sign_in", username=DISABLED["email"], engine=engine).empty
    context.close()


def test_provider_cannot_take_over_a_local_account(browser, app_url, store_url):
    from geo.auth import accounts, audit
    from geo.data import store

    engine = store.get_engine(store_url)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    provider_sign_in(page, app_url, "local-clash")
    page.wait_for_url("**/signin?m=oidc**", timeout=20_000)
    assert "tdn_session" not in {c["name"] for c in context.cookies()}
    user = accounts.get_user(LOCAL_NAME, engine)
    assert (user.auth, user.role) == ("local", "viewer")
    assert audit.entries(action="sign_in", username=LOCAL_NAME, engine=engine).empty
    context.close()


def test_unverified_email_is_not_the_user_name(store_url):
    """An address the provider has not verified cannot name an account (someone could type another's)."""
    from geo.auth import accounts
    from geo.data import store

    engine = store.get_engine(store_url)
    user = accounts.oidc_user({"sub": "x-03", "email": PERSON["email"], "email_verified": False,
                               "preferred_username": "nguoi-khac", "tdn_role": "admin"}, engine=engine)
    assert (user.username, user.auth, user.role) == ("nguoi-khac", "oidc", "admin")
    other = accounts.get_user(PERSON["email"], engine)
    assert other is None or other.role == "analyst"
