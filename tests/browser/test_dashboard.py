"""The workshop dashboard in a real browser: `sdo-sim dashboard --port 0` served by the test on localhost,
driven in Debian's Chromium by Playwright, with every request that would leave 127.0.0.1 refused.

Skipped only where Chromium or Playwright is missing outside CI; under CI (the `CI` variable set) a
missing browser fails, so the dashboard is never left untested there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium's own connections are refused on a closed network.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SCENARIO = "scenarios/baselines/iso-technical-committee.yaml"
SCREENSHOT = ROOT / "out" / "browser" / "dashboard.png"
WAIT_MS = 90_000  # an ensemble of 30 runs on a loaded 2-core machine


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(
            f"{what}: the browser tests must run in CI (.ci/run installs chromium and the test extra)"
        )
    pytest.skip(f"{what}: install it (apt-get install chromium; pip install -e '.[test,dashboard]') to run")


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """The dashboard served on a free port by a child process, stopped at the end."""
    try:
        import solara  # noqa: F401
    except ImportError:
        _missing("solara (the dashboard extra) is not installed")
    command = [sys.executable, "-m", "sdo_sim.cli", "dashboard", SCENARIO, "--port", "0", "--workers", "2"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline().strip()  # blocks until the address is printed (or the process ends)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", first), (
            first,
            server.stderr.read() if server.poll() else "",
        )
        yield first
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser_page(url: str) -> Iterator[tuple[Any, list[str]]]:
    """One Chromium page on the dashboard; requests to any host but 127.0.0.1 are aborted and listed."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (the test extra) is not installed")
    outside: list[str] = []

    def guard(route: Any) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.route("**/*", guard)
        page.goto(url)
        yield page, outside
        browser.close()


def _words(page: Any) -> str:
    return page.locator(".sdo-words").inner_text(timeout=WAIT_MS)


def test_it_loads_offline_with_the_scenario_its_levers_and_rules(browser_page: tuple[Any, list[str]]) -> None:
    page, outside = browser_page
    page.locator(".sdo-words li").first.wait_for(timeout=WAIT_MS)
    assert "ISO technical committee baseline" in page.locator(".v-toolbar").inner_text()
    assert page.get_by_text("East bloc cohesion").count() == 1
    assert page.locator(".v-slider").count() >= 5
    assert "proposals approved:" in _words(page)
    page.get_by_role("tab", name="Rules in force").click()
    rules = page.locator(".sdo-rules").first
    rules.wait_for(timeout=WAIT_MS)
    assert "§2.6.3" in page.locator(".sdo-rules").all_inner_texts()[0]  # the DIS vote's clause
    page.get_by_role("tab", name="Compare").click()
    assert outside == [], f"the page asked for something beyond 127.0.0.1: {outside[:5]}"


def _changed_side(words: str) -> list[str]:
    """The changed side's value of every line: what follows the arrow."""
    return re.findall(r"→ ([\d.]+ ?%?)", words)


def test_a_slider_change_reruns_the_model_and_changes_a_plotted_number(
    browser_page: tuple[Any, list[str]],
) -> None:
    page, _ = browser_page
    page.locator(".sdo-words li").first.wait_for(timeout=WAIT_MS)
    before = _words(page)
    image = page.locator(".v-tabs-items img").first
    shown = image.get_attribute("src")
    slider = page.locator(".v-input", has=page.get_by_text("East bloc cohesion", exact=True)).locator(
        ".v-slider"
    )
    box = slider.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2)  # the far right: cohesion 1
    page.get_by_text("East bloc cohesion 0.6 → 1").wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        "before => { const w = document.querySelector('.sdo-words'); return w && w.innerText !== before; }",
        arg=before, timeout=WAIT_MS,
    )  # fmt: skip
    after = _words(page)
    assert _changed_side(after) != _changed_side(before), (before, after)
    page.wait_for_function("old => { const i = document.querySelector('.v-tabs-items img'); return i && i.src !== old; }",
                           arg=shown, timeout=WAIT_MS)  # fmt: skip


def test_the_comparison_shows_two_ensembles(browser_page: tuple[Any, list[str]]) -> None:
    page, _ = browser_page
    text = page.locator(".sdo-ensembles").inner_text(timeout=WAIT_MS)
    assert "as is: 30 runs" in text and "changed: 30 runs" in text and "root seed 1" in text
    assert re.search(r"east proposals approved: \d+ % → \d+ %, ± [\d.]+ points", _words(page))
    shown = page.locator(".v-tabs-items img").first.get_attribute("src")
    page.get_by_role("button", name="Posts by bloc").click()  # one figure at a time: the next one replaces it
    page.wait_for_function(
        "old => { const i = document.querySelector('.v-tabs-items img'); return i && i.src !== old; }",
        arg=shown,
        timeout=WAIT_MS,
    )


def test_exports_produce_a_png_a_csv_and_a_report(
    browser_page: tuple[Any, list[str]], tmp_path: Path
) -> None:
    page, _ = browser_page
    with page.expect_download(timeout=WAIT_MS) as png:
        page.get_by_text("Download this figure (PNG)").click()
    figure = tmp_path / png.value.suggested_filename
    png.value.save_as(figure)
    assert (
        figure.name.endswith("-seed1-posts-by-bloc.png") and figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    )
    with page.expect_download(timeout=WAIT_MS) as report:
        page.get_by_text("Download the workshop report (HTML)").click()
    page_file = tmp_path / report.value.suggested_filename
    report.value.save_as(page_file)
    text = page_file.read_text(encoding="utf-8")
    assert "East bloc cohesion 0.6 → 1" in text and text.count("data:image/png;base64,") == 4
    page.get_by_role("tab", name="Tables").click()
    with page.expect_download(timeout=WAIT_MS) as csv:
        page.get_by_text(re.compile(r"^differences\.csv")).click()
    table = tmp_path / csv.value.suggested_filename
    csv.value.save_as(table)
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "metric,as is,changed,difference,plus_minus,pairs,in words"
    assert lines[1].startswith("proposals approved,")
    page.get_by_role("tab", name="Compare").click()


def test_one_ballot_shows_who_voted_how_by_bloc_and_the_clause(browser_page: tuple[Any, list[str]]) -> None:
    page, _ = browser_page
    page.get_by_role("tab", name="One ballot").click()
    page.get_by_text("Decided by:").wait_for(timeout=WAIT_MS)
    table = page.locator(".sdo-ballot").inner_text()
    assert "yes" in table and "east" in table and "west" in table
    heading = page.get_by_text(re.compile(r"^Gate 1 of \d+")).inner_text()
    page.get_by_role("button", name="next ▶").click()
    page.get_by_text(re.compile(r"^Gate 2 of \d+")).wait_for(timeout=WAIT_MS)
    assert heading.startswith("Gate 1")
    page.get_by_text(re.compile(r"^The story of ")).first.click()  # the proposal's story, as explain tells it
    story = page.locator("pre").first
    story.wait_for(timeout=WAIT_MS)
    assert "gate" in story.inner_text().lower()
    page.get_by_role("tab", name="Compare").click()


def test_a_screenshot_is_saved_and_nothing_left_localhost(browser_page: tuple[Any, list[str]]) -> None:
    page, outside = browser_page
    page.locator(".sdo-words li").first.wait_for(timeout=WAIT_MS)
    time.sleep(0.5)  # the figure's image settles
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    print(f"\ndashboard screenshot: {SCREENSHOT}")
    assert SCREENSHOT.stat().st_size > 10_000
    assert outside == [], f"the page asked for something beyond 127.0.0.1: {outside[:5]}"
