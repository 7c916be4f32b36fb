"""Shared links open cleanly: a deep link as the very first request to a fresh server (through the
sign-in redirect), and the default page's own address ``/tong-quan``, show their page without
Streamlit's "Page not found" dialog (see ``server.py``)."""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, add_test_users, demo_store, running_app

pytestmark = pytest.mark.browser

NOT_FOUND = "Page not found"


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = demo_store(tmp_path_factory.mktemp("store"), "deeplink.sqlite")  # as `python -m geo demo` loads it
    add_test_users(url)
    return url


@pytest.fixture
def fresh_app(store_url):
    """A server nobody has visited yet (one per test: each test is a first visit)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app({"TDN_DATABASE_URL": store_url}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def anonymous_get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


def sign_in_at(browser, base: str, path: str):
    """Open ``path`` with no session (the sign-in redirect), sign in through the form; returns the page."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.goto(base + path)
    assert "/signin?next=" + quote(path, safe="") in page.url
    page.fill("#u", "admin-test")
    page.fill("#p", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/signin" not in u, timeout=30_000)
    return page


def settle_and_check(page, heading: str, shot: str) -> None:
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
    time.sleep(1.0)  # the dialog, when it comes, comes with the first messages of the run
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    assert page.get_by_text(NOT_FOUND).count() == 0, page.locator("body").inner_text()[:500]
    assert page.get_by_role("dialog").count() == 0


def test_first_request_is_a_deep_link(browser, fresh_app):
    page = sign_in_at(browser, fresh_app, "/bien-gioi?prov=40")
    page.wait_for_url(lambda u: "/bien-gioi?" in u and "prov=40" in u, timeout=30_000)
    settle_and_check(page, "Biên giới & tuyến", "deep-link-first.png")
    page.context.close()


def test_default_page_own_address(browser, fresh_app):
    status, location = anonymous_get(fresh_app + "/tong-quan?prov=40")
    assert status == 303 and location.startswith("/signin?next=%2Ftong-quan%3Fprov%3D40")  # the gate first
    page = sign_in_at(browser, fresh_app, "/tong-quan?prov=40")
    page.wait_for_url(lambda u: u.split("?")[0].rstrip("/") == fresh_app and "prov=40" in u, timeout=30_000)
    settle_and_check(page, "Tổng quan", "deep-link-tong-quan.png")
    page.context.close()
