"""Phones and tablets (issue 16): the real app in Debian's chromium with Playwright's device descriptors
(iPhone 13, iPad gen 7; Chromium, not the descriptors' WebKit). The map keeps most of the screen and leaves
room to scroll past it, its legend and reference-layer panel are buttons that do not cover it until opened
(and then fit), tooltips fit, and the briefing PNG downloads from a phone through the filter panel, by touch.
Screenshots in artifacts/mobile-*.png."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    PageWatch,
    add_test_users,
    running_app,
    signed_in_state,
    wait_for_features,
)

pytestmark = pytest.mark.browser

#: the page with every kind of map panel: title, legend and the reference layers
PAGE = "/ban-do?prov=40&ref=gates,routes,hotspots"

#: boxes of the map's parts, in the map frame's pixels (null: not shown)
BOXES = """() => {
  const box = (el) => {
    if (!el || el.offsetParent === null) return null;
    const r = el.getBoundingClientRect();
    return r.width && r.height ? {x: r.left, y: r.top, w: r.width, h: r.height} : null;
  };
  const all = (sel) => Array.from(document.querySelectorAll(sel)).map(box);
  return {map: box(document.querySelector('.leaflet-container')), title: box(document.querySelector('.tdn-title')),
          subtitle: box(document.querySelector('.tdn-title .sub')), zoom: box(document.querySelector('.leaflet-control-zoom')),
          toggles: all('.tdn-toggle'), bodies: all('.tdn-body'),
          labels: Array.from(document.querySelectorAll('.tdn-toggle')).map(b => b.textContent)};
}"""


def overlap(a: dict, b: dict) -> float:
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(w, 0) * max(h, 0)


def inside(a: dict, outer: dict) -> bool:
    return (a["x"] >= outer["x"] - 0.5 and a["y"] >= outer["y"] - 0.5 and a["x"] + a["w"] <= outer["x"] + outer["w"] + 0.5
            and a["y"] + a["h"] <= outer["y"] + outer["h"] + 0.5)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app on a store holding only the test accounts (the map pages need no data)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'mobile.sqlite'}"
    add_test_users(url, {"admin-test": ("admin", "")})
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app({"TDN_DATABASE_URL": url}) as app:
        yield app


@pytest.fixture(scope="module")
def pw_browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield pw, browser
        browser.close()


def open_on(pw_browser, app_url: str, device: str):
    """``PAGE`` on ``device`` (its viewport, scale, touch and user agent), signed in, the map drawn and in view."""
    pw, browser = pw_browser
    descriptor = {k: v for k, v in pw.devices[device].items() if k != "default_browser_type"}
    context = browser.new_context(storage_state=signed_in_state(browser, app_url), locale="vi-VN", **descriptor)
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(app_url + PAGE, wait_until="domcontentloaded")
    assert wait_for_features(page, 60) >= 60  # Nghệ An, its neighbours, borders, gates, routes, hotspots
    time.sleep(1.0)  # the last layers and the frame's final size
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    return page, frame, watch


def check_panels(page, frame, name: str) -> dict:
    """Collapsed: the title one line, legend and reference panel two buttons; nothing overlaps; each panel opens
    inside the map and closes again."""
    parts = frame.evaluate(BOXES)
    area = parts["map"]["w"] * parts["map"]["h"]
    assert parts["bodies"] == [None, None], "legend and reference panel are collapsed to buttons"
    assert [label.strip() for label in parts["labels"]] == ["Chú giải", "Lớp tham chiếu"]
    assert parts["subtitle"] is None and parts["title"]["h"] < 40  # one line
    shown = [parts["title"], parts["zoom"], *parts["toggles"]]
    assert all(box is not None and inside(box, parts["map"]) for box in shown)
    assert all(overlap(a, b) == 0 for i, a in enumerate(shown) for b in shown[i + 1:]), shown
    assert sum(box["w"] * box["h"] for box in shown) < 0.12 * area  # the map keeps the rest
    assert all(box["h"] >= 32 for box in parts["toggles"])  # a finger's size
    page.screenshot(path=str(ARTIFACTS / f"mobile-{name}-map.png"))
    for number, label in enumerate(("Chú giải", "Lớp tham chiếu")):
        toggle = page.frame_locator(MAP_FRAME).get_by_role("button", name=label)
        toggle.tap()
        opened = frame.evaluate(BOXES)
        body = opened["bodies"][number]
        assert body is not None and inside(body, opened["map"]), (label, body, opened["map"])
        assert overlap(body, opened["title"]) == 0
        if number == 0:
            page.screenshot(path=str(ARTIFACTS / f"mobile-{name}-legend.png"))
        toggle.tap()
        assert frame.evaluate(BOXES)["bodies"][number] is None
    return parts


def check_tooltip(page, frame) -> None:
    """A unit's tooltip near the map's right edge stays inside the map."""
    target = frame.evaluate("""() => {
      const w = document.querySelector('.leaflet-container').clientWidth;
      let best = null;
      for (const p of document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive')) {
        const r = p.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (r.width > 8 && x < w - 12 && y > 90 && document.elementFromPoint(x, y) === p && (!best || x > best.x))
          best = {x, y};
      }
      return best;
    }""")
    assert target is not None
    origin = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(origin["x"] + target["x"], origin["y"] + target["y"])  # (Playwright's box: x, y, width, height)
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible(timeout=5_000)
    box = tooltip.evaluate("t => { const r = t.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; }")
    width = frame.evaluate("() => document.querySelector('.leaflet-container').clientWidth")
    assert box["x"] >= 0 and box["x"] + box["w"] <= width, (box, width)
    page.mouse.move(1, 1)


def test_phone_map_panels_tooltip_and_briefing_download(pw_browser, app_url):
    page, frame, watch = open_on(pw_browser, app_url, "iPhone 13")
    viewport = page.viewport_size
    box = page.locator(MAP_FRAME).bounding_box()
    # most of the screen, and a strip left to scroll the page past the map (a finger on the map moves the map)
    assert box["width"] >= 0.9 * viewport["width"] and box["height"] <= viewport["height"] - 80
    assert box["width"] * box["height"] >= 0.6 * viewport["width"] * viewport["height"], (box, viewport)
    check_panels(page, frame, "phone")
    check_tooltip(page, frame)

    # the filter panel by touch: open it, make the briefing, download the PNG
    page.get_by_test_id("stExpandSidebarButton").tap()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_be_visible()
    make = sidebar.get_by_role("button", name="Tạo ảnh PNG và PDF")
    make.scroll_into_view_if_needed()
    assert make.bounding_box()["height"] >= 40  # touch-sized
    make.tap()
    png = sidebar.get_by_role("button", name="Tải ảnh PNG 1920×1080")
    expect(png).to_be_visible(timeout=60_000)
    png.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "mobile-phone-briefing.png"))
    with page.expect_download() as download_info:
        png.tap()
    from PIL import Image

    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    with Image.open(download.path()) as image:
        assert image.size == (1920, 1080)
    assert watch.failed == [] and watch.errors == []
    page.context.close()


def test_tablet_map_and_panels(pw_browser, app_url):
    page, frame, watch = open_on(pw_browser, app_url, "iPad (gen 7)")
    viewport = page.viewport_size
    sidebar = page.get_by_test_id("stSidebar").bounding_box()
    box = page.locator(MAP_FRAME).bounding_box()
    assert box["width"] >= 0.9 * (viewport["width"] - sidebar["width"])  # the content's whole width beside the filters
    assert box["y"] + box["height"] <= viewport["height"]
    check_panels(page, frame, "tablet")
    # with the filters put away, the map takes most of the screen
    page.get_by_test_id("stSidebarCollapseButton").locator("button").tap()
    page.wait_for_function(f"() => document.querySelector(\"{MAP_FRAME}\").getBoundingClientRect().width > "
                           f"{0.9 * viewport['width']}")
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    box = page.locator(MAP_FRAME).bounding_box()
    assert box["width"] * min(box["height"], viewport["height"]) >= 0.55 * viewport["width"] * viewport["height"], box
    # a wide frame: legend and reference layers stand open at the top right, the legend in sight with the map's top
    wide = frame.evaluate(BOXES)
    assert wide["toggles"] == [None, None] and None not in wide["bodies"]
    assert overlap(wide["bodies"][0], wide["title"]) == 0
    assert box["y"] + wide["bodies"][0]["y"] + wide["bodies"][0]["h"] <= viewport["height"]
    time.sleep(0.5)
    page.screenshot(path=str(ARTIFACTS / "mobile-tablet-full.png"))
    assert watch.failed == [] and watch.errors == []
    page.context.close()
