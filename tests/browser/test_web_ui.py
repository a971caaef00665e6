"""The product in a real browser: one person's whole journey, then a guest's, on `askvideo serve`.

The steps share one server and build on each other (sign-up → … → guest), so they run in file order. Set
ASKVIDEO_SCREENSHOTS=DIR to save a PNG of each main page there (`scripts/take_screenshots.py` does).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Served

pytestmark = [pytest.mark.integration]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "talk.mp4"
USER = {"username": "webuser", "email": "webuser@example.org", "password": "correct horse battery"}
PROCESSING_TIMEOUT_MS = 150_000
SCREENSHOTS = os.environ.get("ASKVIDEO_SCREENSHOTS")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot when asked to (docs/screenshots is made this way)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=full_page)


def player_time(page: Any) -> float:
    return float(page.evaluate("document.querySelector('video[data-testid=player]').currentTime"))


PLAYER_STATE = """() => { const v = document.querySelector('video[data-testid=player]');
  return v && {src: v.currentSrc, currentTime: v.currentTime, duration: v.duration, readyState: v.readyState,
               networkState: v.networkState, paused: v.paused, seeking: v.seeking, error: v.error && v.error.code}; }"""


MEDIA_EVENTS = """(() => {
  window.__mediaEvents = [];
  const note = (event) => {
    const v = event.target;
    if (v instanceof HTMLMediaElement || event.type === "click") {
      window.__mediaEvents.push([Math.round(performance.now()), event.type,
        v instanceof HTMLMediaElement ? v.currentTime : (v.closest && v.closest("button") || v).outerHTML.slice(0, 160),
        v instanceof HTMLMediaElement ? v.readyState : null,
        v instanceof HTMLMediaElement ? (v.currentSrc || "").slice(-60) : null]);
    }
  };
  for (const type of ["loadstart", "emptied", "loadedmetadata", "seeking", "seeked", "play", "pause", "abort", "click"])
    document.addEventListener(type, note, true);
})();"""
"""An init script noting the page's media events and clicks (window.__mediaEvents), shown when a seek fails."""


def wait_for_player_at(page: Any, second: float) -> None:
    """The player has jumped to `second` (it may have played on a little since); else fail with its state."""
    try:
        page.wait_for_function(
            "s => { const v = document.querySelector('video[data-testid=player]');"
            " return v && v.currentTime >= s - 0.25 && v.currentTime < s + 2.5; }",
            arg=second,
            timeout=10_000,
        )
    except Exception as error:
        state, events = page.evaluate(PLAYER_STATE), page.evaluate("window.__mediaEvents || null")
        raise AssertionError(f"the player did not land on {second} s: {state}; events: {events}") from error


def ask(page: Any, question: str) -> Any:
    """Ask in the page's ask box; the newest answer, or a failure naming the error the page shows."""
    before = page.get_by_test_id("answer").count()
    page.get_by_test_id("ask-input").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    try:
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=answer]').length > n"
            " || document.querySelector('.ask-box [role=alert]')",
            arg=before,
            timeout=60_000,
        )
    except Exception:
        streaming = page.locator("[data-testid=streaming-answer]")
        shown = streaming.inner_text() if streaming.count() else "(nothing streaming)"
        pending = page.evaluate("performance.getEntriesByType('resource').filter(e => !e.responseEnd).map(e => e.name)")
        pytest.fail(f"no answer to {question!r} within 60 s; the page shows {shown!r}; unfinished: {pending}")
    alert = page.locator(".ask-box [role=alert]")
    if alert.count():
        pytest.fail(f"asking {question!r} failed in the page: {alert.inner_text()}")
    return page.get_by_test_id("answer").first


class Journey:
    """State the steps hand on to each other."""

    video_url: str = ""
    group_url: str = ""
    share_url: str = ""


@pytest.fixture(scope="module")
def journey() -> Journey:
    return Journey()


@pytest.fixture(scope="module")
def page(browser_or_skip: Any, served: Served) -> Iterator[Any]:
    """The owner's tab, kept across the steps (it holds the session cookies)."""
    context = browser_or_skip.new_context(base_url=served.url, viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def test_a_newcomer_signs_up_verifies_the_email_and_logs_in(page: Any, served: Served) -> None:
    page.goto("/")
    shot(page, "landing")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username", exact=True).fill(USER["username"])
    page.get_by_label("Email", exact=True).fill(USER["email"])
    page.get_by_label("Password", exact=True).fill(USER["password"])
    shot(page, "sign-up")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/check-email?**")
    page.get_by_role("heading", name="Check your email").wait_for()

    link = served.verification_link(USER["email"])
    assert link.startswith(f"{served.url}/verify-email?token=")
    page.goto(link)
    page.get_by_text("Your email is confirmed").wait_for()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill(USER["email"])
    page.get_by_label("Password", exact=True).fill(USER["password"])
    shot(page, "log-in")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/videos")
    page.get_by_role("heading", name="Videos", exact=True).wait_for()


def test_an_upload_shows_progress_and_its_status_badge_turns_ready(page: Any, served: Served, journey: Journey) -> None:
    page.get_by_label("Title", exact=True).fill("Fixture talk")
    page.get_by_label("Video file").set_input_files(str(FIXTURE))
    # Watch the progress bar from inside the page: it appears while the bytes go up, and reaches 100%.
    page.evaluate(
        """() => { window.__progress = [];
        new MutationObserver(() => { const p = document.querySelector('[data-testid=upload-progress]');
          if (p) window.__progress.push(p.value); }).observe(document.body, {subtree: true, childList: true,
          attributes: true}); }"""
    )
    page.get_by_role("button", name="Upload").click()
    row = page.locator("li.video-row", has_text="Fixture talk")
    row.wait_for()
    assert page.evaluate("window.__progress.length") > 0
    badge = row.locator(".status-badge")
    assert badge.get_attribute("data-status") in {"pending", "processing", "completed"}
    try:
        row.locator('.status-badge[data-status="completed"]').wait_for(timeout=PROCESSING_TIMEOUT_MS)
    except Exception:
        log_tail = "\n".join(served.app.log.splitlines()[-40:])
        pytest.fail(f"the video did not complete (badge: {badge.inner_text()!r}); server log:\n{log_tail}")
    assert badge.inner_text() == "Ready"
    shot(page, "videos")

    page.get_by_label("Search titles").fill("nothing like this")
    page.get_by_text("No video matches.").wait_for()
    page.get_by_label("Search titles").fill("fixture")
    row.wait_for()
    row.get_by_role("link", name="Fixture talk").click()
    page.wait_for_url(re.compile(r".*/videos/[0-9a-f-]{36}$"))
    journey.video_url = page.url


def test_the_transcript_follows_the_player_and_a_click_on_a_line_seeks(page: Any) -> None:
    page.get_by_role("button", name=re.compile("Jupiter")).wait_for()
    line = page.get_by_role("button", name=re.compile("Jupiter"))
    line.click()
    start = float(line.get_attribute("data-start"))
    wait_for_player_at(page, start)
    page.wait_for_selector('.transcript-line[aria-current="true"]:has-text("Jupiter")')


def test_a_question_streams_an_answer_whose_citation_moves_the_player(page: Any) -> None:
    page.evaluate("document.querySelector('video[data-testid=player]').pause()")
    page.evaluate("document.querySelector('video[data-testid=player]').currentTime = 0")
    answer = ask(page, "Which planet is the largest in our solar system?")
    assert "Jupiter" in answer.inner_text()
    chip = answer.locator(".citation-chip").first
    cited = float(chip.get_attribute("data-start"))
    assert cited > 10  # the sentence about Jupiter is said at about 17 s: a real jump from 0
    assert player_time(page) < 1
    chip.click()
    wait_for_player_at(page, cited)
    shot(page, "video-detail")

    answer.get_by_role("button", name="Good").click()
    answer.locator('button[aria-pressed="true"]', has_text="Good").wait_for()
    assert page.get_by_role("link", name="Download SRT").get_attribute("href").endswith("/transcript.srt")


def test_the_library_search_finds_a_spoken_word_and_its_moment_opens_the_player_there(
    page: Any, journey: Journey
) -> None:
    box = page.get_by_role("searchbox", name="Search your videos")
    box.fill("Canberra")
    box.press("Enter")  # the keyboard way
    page.wait_for_url("**/search?q=Canberra")
    page.get_by_role("heading", name="Results for “Canberra”").wait_for()
    moment = page.locator(".search-hit", has_text="Fixture talk").get_by_role("link", name=re.compile("Canberra")).first
    moment.wait_for()
    assert moment.locator("mark", has_text="Canberra").count() == 1
    second = int(moment.get_attribute("href").rsplit("?t=", 1)[1])
    assert second == int(float(moment.get_attribute("data-start")))
    shot(page, "search")
    moment.click()
    page.wait_for_url(f"{journey.video_url}?t={second}")
    wait_for_player_at(page, second)
    # The fixture's one scene starts at 0 s, so that moment is no jump: an address with a later second is.
    page.goto(f"{journey.video_url}?t=12")
    wait_for_player_at(page, 12)


def test_a_group_is_made_reordered_shared_and_its_history_exported(page: Any, journey: Journey) -> None:
    # A second video, so the group has an order to change (it need not finish processing for that).
    page.goto("/videos")
    page.get_by_label("Title", exact=True).fill("Second copy")
    page.get_by_label("Video file").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Upload").click()
    page.locator("li.video-row", has_text="Second copy").wait_for()

    page.get_by_role("navigation").get_by_role("link", name="Groups").click()
    page.get_by_label("Name", exact=True).fill("Field trip")
    page.get_by_role("button", name="Create group").click()
    page.wait_for_url(re.compile(r".*/groups/[0-9a-f-]{36}$"))
    journey.group_url = page.url
    page.get_by_label("Fixture talk").check()
    page.get_by_label("Second copy").check()
    page.get_by_role("button", name="Add 2 selected").click()
    items = page.locator("ol.reorderable > li")
    items.nth(1).wait_for()
    assert items.nth(0).inner_text().find("Fixture talk") != -1

    # Keyboard-accessible reorder, persisted: after a reload the order holds.
    page.get_by_role("button", name="Move Fixture talk down").click()
    page.wait_for_function("() => document.querySelector('ol.reorderable > li').innerText.includes('Second copy')")
    page.wait_for_timeout(300)
    page.reload()
    items.nth(1).wait_for()
    assert "Second copy" in items.nth(0).inner_text()
    # Drag and drop puts it back, persisted as well.
    items.nth(1).drag_to(items.nth(0))
    page.wait_for_function("() => document.querySelector('ol.reorderable > li').innerText.includes('Fixture talk')")
    page.wait_for_timeout(300)
    page.reload()
    items.nth(1).wait_for()
    assert "Fixture talk" in items.nth(0).inner_text()

    answer = ask(page, "What is the capital of Australia?")
    assert "Canberra" in answer.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export history (CSV)").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "What is the capital of Australia?" in csv_text

    page.get_by_role("button", name="Create link").click()
    share = page.get_by_test_id("share-url")
    share.wait_for()
    journey.share_url = share.input_value()
    assert re.search(r"/shared/[\w-]{16,}$", journey.share_url)
    shot(page, "group-detail")


def test_tags_label_videos_and_filter_the_list(page: Any) -> None:
    page.goto("/videos")
    page.get_by_label("Tag name").fill("astronomy")
    page.get_by_role("button", name="Create tag").click()
    page.get_by_label("Put a tag on Fixture talk").select_option(label="astronomy")
    page.get_by_role("button", name="Take astronomy off Fixture talk").wait_for()
    page.get_by_label("Tag", exact=True).select_option(label="astronomy")
    page.wait_for_function("() => document.querySelectorAll('li.video-row').length === 1")
    assert "Fixture talk" in page.locator("li.video-row").inner_text()
    page.get_by_label("Tag", exact=True).select_option(label="All tags")
    page.locator("li.video-row", has_text="Second copy").wait_for()


def test_a_guest_with_the_link_watches_and_asks_without_an_account(
    browser_or_skip: Any, served: Served, journey: Journey
) -> None:
    context = browser_or_skip.new_context(viewport=DESKTOP, locale="en-US")
    context.add_init_script(MEDIA_EVENTS)
    guest = context.new_page()
    try:
        guest.goto(journey.share_url)
        guest.get_by_role("heading", name="Field trip").wait_for()
        assert guest.get_by_role("link", name="Log out").count() == 0
        answer = ask(guest, "Where does the last train go?")
        assert "London" in answer.inner_text()
        chip = answer.locator(".citation-chip").first
        cited = float(chip.get_attribute("data-start"))
        cited_video = chip.get_attribute("data-video-id")
        # The cited talk may be one that finished processing after this page loaded ("Second copy"): the page
        # loads its list again, switches the player to it and seeks.
        chip.click()
        wait_for_player_at(guest, cited)
        assert cited_video in guest.evaluate("document.querySelector('video[data-testid=player]').currentSrc")
        shot(guest, "shared-group")
    finally:
        context.close()


def test_a_revoked_link_stops_working_at_once(browser_or_skip: Any, page: Any, journey: Journey) -> None:
    page.goto(journey.group_url)
    page.get_by_role("button", name="Revoke").click()
    page.get_by_role("button", name="Yes, revoke").click()
    page.get_by_role("button", name="Create link").wait_for()
    context = browser_or_skip.new_context(viewport=DESKTOP)
    try:
        guest = context.new_page()
        guest.goto(journey.share_url)
        guest.get_by_role("heading", name="This link does not work").wait_for()
    finally:
        context.close()


def test_settings_show_the_video_limit_and_keep_only_the_last_four_of_a_key(page: Any) -> None:
    page.goto("/settings")
    page.get_by_test_id("video-limit").wait_for()
    assert "10" in page.get_by_test_id("video-limit").inner_text()
    page.get_by_label("New key").fill("sk-test-000000000000000000000000abcd")
    page.get_by_role("button", name="Save key").click()
    page.get_by_text("A key ending in abcd is set.").wait_for()
    shot(page, "settings")
    page.get_by_role("button", name="Remove key").click()
    page.get_by_text("No key set").wait_for()

    page.get_by_label("Key name").fill("nightly script")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("api-key-secret").input_value()
    assert secret.startswith("av_")
    # The new key works on the API at once, and stops working once revoked.
    key_row = page.locator("li.video-row", has_text="nightly script")
    assert page.request.get("/api/videos", headers={"Authorization": f"Bearer {secret}"}).status == 200
    key_row.get_by_role("button", name="Revoke").click()
    key_row.get_by_role("button", name="Yes, revoke").click()
    page.get_by_text("No API keys.").wait_for()
    assert page.request.get("/api/videos", headers={"Authorization": f"Bearer {secret}"}).status == 401


def test_japanese_renders_every_page_element_in_japanese(page: Any, journey: Journey) -> None:
    page.goto("/videos")
    page.get_by_test_id("language-switcher").select_option("ja")
    page.get_by_role("heading", name="動画", exact=True).wait_for()
    assert page.evaluate("document.documentElement.lang") == "ja"
    nav = page.get_by_role("navigation")
    for label in ("動画", "グループ", "設定", "ログアウト"):
        assert nav.get_by_text(label, exact=True).count() == 1
    page.get_by_role("button", name="アップロード").wait_for()
    shot(page, "videos-ja")
    page.goto(journey.video_url)
    page.get_by_role("heading", name="文字起こし").wait_for()
    page.get_by_test_id("language-switcher").select_option("en")
    page.get_by_role("heading", name="Transcript").wait_for()


def test_phone_width_and_unknown_addresses(browser_or_skip: Any, served: Served, page: Any, journey: Journey) -> None:
    page.set_viewport_size(PHONE)
    page.goto(journey.video_url)
    page.locator(".transcript-line").first.wait_for()
    page.get_by_test_id("answer").first.wait_for()
    # Nothing sticks out sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "video-detail-phone")
    page.set_viewport_size(DESKTOP)
    page.goto("/no/such/page")
    page.get_by_role("heading", name="Page not found").wait_for()
    shot(page, "not-found", full_page=False)
    api_404 = page.request.get(f"{served.url}/api/no-such-thing")
    assert api_404.status == 404
    assert api_404.json()["code"] == "not_found"
