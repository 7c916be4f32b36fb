"""The real app in headless Debian chromium, on a machine with no internet."""
from __future__ import annotations

import time

import folium
import pytest
from playwright.sync_api import expect

from geo.maps import MapView, admin_map

from .browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PageWatch, running_app, wait_for_features

pytestmark = pytest.mark.browser


def features_sent(view: MapView) -> int:
    """Vector features the server sends for a view (every GeoJSON feature becomes one SVG path)."""
    fmap = admin_map(view).fmap
    return sum(len(child.data["features"]) for child in fmap._children.values() if isinstance(child, folium.GeoJson))


@pytest.fixture(scope="module")
def app_url():
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="vi-VN")
    watch = PageWatch(page)
    page.goto(url, wait_until="domcontentloaded")
    return page, watch


@pytest.mark.parametrize(
    ("query", "view", "shot"),
    [
        ("", MapView(), "map-national.png"),
        ("?prov=40", MapView(province="40"), "map-nghe-an.png"),
        ("?prov=10&lang=en", MapView(province="10", lang="en"), "map-lao-cai-en.png"),
        ("?era=2025&prov=40", MapView(era="2025", province="40"), "map-2025-nghe-an.png"),
    ],
)
def test_map_renders_offline(browser, app_url, query, view, shot):
    expected = features_sent(view)
    page, watch = open_page(browser, app_url + "/" + query)
    drawn = wait_for_features(page, expected)
    time.sleep(1.0)  # let late requests (fonts, images) fail if they are going to
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    assert drawn == expected
    assert watch.failed == []
    assert watch.errors == []
    page.close()


def test_national_page_text_and_border_table(browser, app_url):
    page, watch = open_page(browser, app_url + "/")
    wait_for_features(page, features_sent(MapView()))
    body = page.locator("body").inner_text()
    assert "Bản đồ hành chính & biên giới" in body
    assert "Huyện biên giới (102)" in body
    page.close()


def test_province_selector_zooms_to_a_province(browser, app_url):
    page, watch = open_page(browser, app_url + "/")
    wait_for_features(page, features_sent(MapView()))
    combo = page.get_by_role("combobox", name="Tỉnh/thành phố")
    combo.click()
    combo.fill("Nghệ")
    page.get_by_role("option", name="Tỉnh Nghệ An").click()
    page.wait_for_function("() => window.location.search.includes('prov=40')")
    expect(page.get_by_text("Huyện biên giới (6)")).to_be_visible(timeout=30_000)
    expected = features_sent(MapView(province="40"))
    drawn = wait_for_features(page, expected, exact=True)
    assert drawn == expected
    assert watch.failed == [] and watch.errors == []
    page.close()
