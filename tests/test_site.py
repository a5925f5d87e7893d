"""`cardsmith site`: a self-contained static site, checked as files and in a real headless browser.

The browser tests drive Debian's `chromium` through `chromium-driver` with Selenium. Without
them they are skipped, saying how to install them; with CARDSMITH_REQUIRE_BROWSER=1 (set by
.ci/run) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cardsmith.build import build
from cardsmith.cache import Caches
from cardsmith.cli import cli
from cardsmith.exporters import NAMES
from cardsmith.outputs import MANIFEST
from cardsmith.pipeline import prepare
from cardsmith.site import GUIDES, UPDATE_OPTIONS, site, size_text
from conftest import FIXTURES, NOW, ROOT, edit

DECK = FIXTURES / "exporters" / "deck"  # every card type, every format, an image
README = (ROOT / "README.md").read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(NOW)})
    return result.exit_code, result.stdout, result.stderr


def project(tmp_path: Path, source: Path = DECK) -> Path:
    """A copy of a deck project, built once so that its lock is up to date."""
    cards = tmp_path / "cards"
    shutil.copytree(source, cards)
    build(cards, tmp_path / "decks", now=NOW)
    return cards


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- The files ------------------------------------------------------------------------------------------


def test_the_site_holds_the_pages_the_images_and_the_build_s_files_byte_for_byte(tmp_path: Path) -> None:
    cards = project(tmp_path)
    code, out, err = run("site", "--cards", str(cards), "--out", str(tmp_path / "site"))
    assert code == 0, err
    files = tree(tmp_path / "site")
    decks = tree(tmp_path / "decks")
    for name, data in decks.items():
        if "/" not in name and name != MANIFEST:
            assert files[f"downloads/{name}"] == data, name  # the packages learners get from decks/
    crowdanki = "exporter-test-crowdanki"
    assert f"downloads/{crowdanki}.zip" in files and not any(
        name.startswith(f"downloads/{crowdanki}/") for name in files
    )
    assert [name for name in files if name.startswith("media/")] == [
        name.replace(f"{crowdanki}/", "") for name in decks if name.startswith(f"{crowdanki}/media/")
    ]
    listed = [line for line in files[MANIFEST].decode().splitlines() if not line.startswith("#")]
    assert listed == sorted(name for name in files if name != MANIFEST)
    assert (
        out.splitlines()[-1]
        == f"10 notes: {len(files)} file(s) written in {tmp_path / 'site'}, 0 unchanged; open {tmp_path / 'site' / 'index.html'}"
    )


def test_same_sources_same_bytes_and_a_second_run_writes_nothing(tmp_path: Path) -> None:
    cards = project(tmp_path)
    site(cards, tmp_path / "a")
    site(cards, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    again = site(cards, tmp_path / "a")
    assert again.written == () and again.removed == () and len(again.unchanged) == len(tree(tmp_path / "a"))


def test_it_removes_only_the_files_it_wrote_and_no_longer_makes(tmp_path: Path) -> None:
    cards = project(tmp_path)
    out = tmp_path / "site"
    site(cards, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "downloads" / "mine.csv").write_text("mine", encoding="utf-8")
    edit(cards / "deck.yaml", "formats: [apkg, anki-csv, csv,", "formats: [apkg, anki-csv,")
    build(cards, tmp_path / "decks", now=NOW)
    result = site(cards, out)
    assert result.removed == (str(out / "downloads" / "exporter-test.csv"),)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "downloads" / "mine.csv").exists()
    assert 'href="downloads/exporter-test.csv"' not in (out / "index.html").read_text(encoding="utf-8")


def test_a_manifest_entry_outside_the_folder_is_never_removed(tmp_path: Path) -> None:
    cards = project(tmp_path)
    out = tmp_path / "site"
    site(cards, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write("../victim.txt\n/etc/hostname\n")
    site(cards, out)
    assert victim.read_text(encoding="utf-8") == "keep"


def test_sources_changed_since_the_last_build_are_refused_at_the_lock(tmp_path: Path) -> None:
    cards = project(tmp_path)
    edit(cards / "questions" / "phase-1.yaml", "Деление с округлением вниз.", "Деление вниз.")
    code, out, err = run("site", "--cards", str(cards), "--out", str(tmp_path / "site"))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{cards / 'cardsmith.lock'}: error: the cards changed since the last build (0 new, 1 changed, 9 unchanged, "
        "0 removed): run `cardsmith build` first; the site offers the packages that build releases",
        "1 error(s); nothing was written.",
    ]
    assert not (tmp_path / "site").exists()


def test_bad_input_is_an_error_at_its_place_never_a_traceback(tmp_path: Path) -> None:
    cards = project(tmp_path)
    edit(cards / "questions" / "phase-1.yaml", "  - id: hash-comment", "  - id: hash-comment\n    q: [")
    code, _, err = run("site", "--cards", str(cards), "--out", str(tmp_path / "site"))
    assert code == 1 and "Traceback" not in err
    assert re.match(rf"{re.escape(str(cards / 'questions' / 'phase-1.yaml'))}:\d+:\d+: error: ", err)
    assert not (tmp_path / "site").exists()


def test_an_out_that_is_a_file_or_the_decks_folder_is_refused(tmp_path: Path) -> None:
    cards = project(tmp_path)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, err = run("site", "--cards", str(cards), "--out", str(tmp_path / "file"))
    assert (code, err) == (1, f"error: {tmp_path / 'file'}: the output folder is a file; pass another --out\n")
    before = tree(tmp_path / "decks")
    code, _, err = run("site", "--cards", str(cards), "--out", str(tmp_path / "decks"))
    assert code == 1 and "holds the decks of `cardsmith build`" in err
    assert tree(tmp_path / "decks") == before


def test_an_out_that_is_the_deck_folder_holds_it_is_in_it_or_is_empty_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = project(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    own = "; pass a folder of the site's own, such as --out site\n"
    for out, refusal in (
        ("cards", "cards is the deck folder"),
        (str(cards), f"{cards} is the deck folder"),
        ("cards/", "cards is the deck folder"),
        ("cards/../cards", "cards/../cards is the deck folder"),
        ("", "--out is empty"),
        (".", ". holds the deck folder cards"),
        (str(tmp_path), f"{tmp_path} holds the deck folder cards"),
        ("cards/site", "cards/site is inside the deck folder cards"),
        ("cards/questions", "cards/questions is inside the deck folder cards"),
    ):
        assert run("site", "--cards", "cards", "--out", out) == (1, "", f"error: {refusal}{own}"), out
    assert tree(tmp_path) == before
    code, _, err = run("site", "--out", "site")  # `--cards cards` by default: next to it is fine
    assert (code, err) == (0, "")
    assert (tmp_path / "site" / "index.html").is_file()


def test_without_git_the_release_notes_say_why(tmp_path: Path) -> None:
    cards = project(tmp_path)
    site(cards, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    notes = page.split('id="changes"', 1)[1]
    assert "No release notes: " in notes


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_landing_page_shows_the_release_notes_of_the_latest_version(tmp_path: Path) -> None:
    cards = project(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "cards")
    git(tmp_path, "commit", "-qm", "0.1")
    git(tmp_path, "tag", "v0.1")
    edit(cards / "deck.yaml", "version: 0.1.0", "version: 0.2.0")
    edit(
        cards / "questions" / "phase-1.yaml",
        "  - id: hash-comment",
        "  - id: new-card\n    q: Что такое `<b>`?\n    a: Тег.\n  - id: hash-comment",
    )
    edit(cards / "questions" / "phase-2.yaml", "  - id: std-vector", "  - id: std-vector-what\n    was: std-vector")
    build(cards, tmp_path / "decks", now=NOW + 60)
    git(tmp_path, "add", "cards")
    git(tmp_path, "commit", "-qm", "0.2")
    git(tmp_path, "tag", "v0.2")  # the version just tagged: its notes are those since the tag before
    site(cards, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    notes = page.split('<h2 id="changes" lang="en">Release notes</h2>', 1)[1].split("</section>", 1)[0]
    assert notes.startswith('<p class="meta" lang="en">Version 0.2.0, since v0.1 (0.1.0).</p>\n')
    assert "Cards since v0.1: 1 added, 0 changed, 1 renamed, 0 removed, 9 unchanged." in notes
    assert (
        '<li><span lang="en">Added <a href="cards.html#new-card"><code>new-card</code></a></span>: '
        "Что такое <code>&lt;b&gt;</code>?</li>"
    ) in notes
    assert 'Renamed <code>std-vector</code> → <a href="cards.html#std-vector-what">' in notes
    assert "<h3>Фаза 2: Продвинутое</h3>" in notes


def test_the_import_facts_are_the_readme_s() -> None:
    """The site quotes the README's import options and its table of other apps: they cannot drift apart."""
    section = README.split("## Getting updates without losing progress", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \|$", section, re.MULTILINE)
    options = tuple(tuple(cell.replace("**", "") for cell in row) for row in rows[1:])
    assert options == UPDATE_OPTIONS
    apps = README.split("## Other apps", 1)[1].split("\n## ", 1)[0].replace("**", "")
    assert set(GUIDES) == set(NAMES) - {"apkg"}
    for name, guide in GUIDES.items():
        row = next(line for line in apps.splitlines() if f"| `{name}` |" in line)
        assert guide.how.replace("{id}", "python-backend") in row, name
        assert guide.caveat in row, name


def test_sizes_read_as_people_read_them() -> None:
    assert [size_text(n) for n in (1, 999, 1000, 185_217, 999_499, 999_500, 1_234_567)] == [
        "1 byte",
        "999 bytes",
        "1 kB",
        "185 kB",
        "999 kB",
        "1.0 MB",
        "1.2 MB",
    ]


class Page(HTMLParser):
    """What the accessibility checks need of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "label":
            self.open_labels += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        elif tag in ("input", "select", "textarea") and (self.open_labels or found.get("aria-label")):
            self.labelled.add(str(found.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def test_pages_pass_basic_accessibility_and_load_nothing_from_elsewhere(tmp_path: Path) -> None:
    cards = project(tmp_path)
    edit(cards / "deck.yaml", "title: Exporter Test", "title: Exporter Test\nlanguage: uk")
    build(cards, tmp_path / "decks", now=NOW)
    site(cards, tmp_path / "site")
    for name in ("index.html", "cards.html"):
        text = (tmp_path / "site" / name).read_text(encoding="utf-8")
        assert text.startswith('<!doctype html>\n<html lang="uk">'), name
        page = Page()
        page.feed(text)
        for tag, attrs in page.tags:
            if tag in ("input", "select"):
                assert attrs.get("id") in page.labelled | page.label_for, (name, attrs)
            if tag == "img":
                assert attrs.get("alt"), (name, attrs)
            for key in ("src", "href"):
                value = attrs.get(key) or ""
                if tag in ("img", "script", "link", "iframe", "source", "audio", "video"):
                    assert not re.match(r"[a-z]+:", value) or value.startswith("data:"), (name, tag, value)
        assert "@import" not in text and "url(http" not in text and "@font-face" not in text
        assert [attrs for tag, attrs in page.tags if tag == "h1"], name


# --- In a real browser ---------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
INSTALL = "apt-get install -y chromium chromium-driver; .venv/bin/pip install -e '.[test]' -c constraints.txt"


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return f"selenium is not installed ({INSTALL})"
    if CHROMIUM is None or CHROMEDRIVER is None:
        return f"the browser tests need Debian's chromium and chromium-driver ({INSTALL})"
    return ""


def _driver(javascript: bool = True) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The site of the test deck, served over HTTP on this machine: (its address, its folder)."""
    missing = _missing()
    if missing:
        if os.environ.get("CARDSMITH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CARDSMITH_REQUIRE_BROWSER=1, but {missing}")
        pytest.skip(missing)
    root = tmp_path_factory.mktemp("site")
    cards = project(root)
    site(cards, root / "site")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root / "site"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(served: tuple[str, Path]) -> Iterator[Any]:
    driver = _driver()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: Any, served: tuple[str, Path]) -> Iterator[Any]:
    """The browser, with its logs emptied, light system colours and a desktop window."""
    browser.get_log("browser")
    browser.get_log("performance")
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]}
    )
    browser.get(served[0] + "index.html")
    browser.execute_script("localStorage.clear()")
    yield browser


def visible_notes(driver: Any) -> list[str]:
    return list(
        driver.execute_script(
            "return [...document.querySelectorAll('.note')].filter(n => n.offsetParent !== null).map(n => n.id)"
        )
    )


def colours(driver: Any) -> dict[str, str]:
    return dict(
        driver.execute_script(
            "const c = s => getComputedStyle(document.querySelector(s));"
            "return {page: c('body').backgroundColor, text: c('body').color, card: c('.side.card').backgroundColor,"
            " cardText: c('.side.card').color, id: c('.cs-id').color, block: c('pre.highlight code').backgroundColor};"
        )
    )


def test_the_landing_page_loads_with_no_console_error_and_no_request_outside_the_site(
    page: Any, served: tuple[str, Path]
) -> None:
    base, _ = served
    for name in ("index.html", "cards.html", "index.html#downloads", "cards.html?phase=2#cpp-cloze"):
        page.get(base + name)
        page.execute_script("return document.readyState")
        errors = [entry for entry in page.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
        assert errors == [], name
        requests = [
            json.loads(entry["message"])["message"]["params"]["request"]["url"]
            for entry in page.get_log("performance")
            if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"
        ]
        assert requests and all(url.startswith(base) or url.startswith("data:") for url in requests), requests
    assert page.execute_script("return document.querySelector('img').naturalWidth") > 0  # media/ is there


def test_every_download_link_is_a_file_of_the_stated_size(page: Any, served: tuple[str, Path]) -> None:
    base, folder = served
    links = page.execute_script(
        "return [...document.querySelectorAll('a[download][data-size]')].map(a => "
        "[a.href, a.getAttribute('href'), +a.dataset.size, a.parentElement.querySelector('.size').textContent])"
    )
    formats = {Path(href).name for _, href, _, _ in links}
    assert len(links) == 10 and "exporter-test-crowdanki.zip" in formats  # 3 packages and the 7 other formats
    for url, href, size, shown in links:
        assert url == base + href and (folder / href).is_file()  # from the site folder alone
        with urllib.request.urlopen(url) as response:
            data = response.read()
        assert len(data) == size == (folder / href).stat().st_size and shown == size_text(size)


def test_typing_in_the_search_box_narrows_the_cards_to_the_matching_ones(page: Any, served: tuple[str, Path]) -> None:
    page.get(served[0] + "cards.html")
    everything = visible_notes(page)
    assert len(everything) == 10
    box = page.find_element("id", "_search")
    box.send_keys("СРЕЗ")  # any letter case
    shown = visible_notes(page)
    texts = dict(
        page.execute_script(
            "return [...document.querySelectorAll('.note')].map(n => [n.id, n.textContent.toLowerCase()])"
        )
    )
    assert shown == [note for note in everything if "срез" in texts[note]] and 0 < len(shown) < 10
    assert page.find_element("id", "_count").text == f"{len(shown)} of 10 notes"
    assert "?q=" in page.current_url
    box.send_keys(" нет-такого-слова")
    assert visible_notes(page) == [] and page.find_element("id", "_empty").is_displayed()


def test_a_phase_filter_shows_only_that_phase(page: Any, served: tuple[str, Path]) -> None:
    from selenium.webdriver.support.ui import Select

    page.get(served[0] + "cards.html")
    Select(page.find_element("id", "_phase")).select_by_value("2")
    shown = visible_notes(page)
    phase_two = page.execute_script("return [...document.querySelectorAll('.note[data-phase=\"2\"]')].map(n => n.id)")
    assert shown == phase_two and 0 < len(shown) < 10
    headings = page.execute_script(
        "return [...document.querySelectorAll('section.deck')].filter(s => !s.hidden).map(s => s.dataset.phase)"
    )
    assert set(headings) == {"2"}
    page.get(served[0] + "cards.html?phase=1")  # the landing page links to each phase like this
    assert set(
        page.execute_script(
            "return [...document.querySelectorAll('.note')].filter(n => !n.hidden).map(n => n.dataset.phase)"
        )
    ) == {"1"}


def test_the_week_list_offers_the_chosen_phase_s_weeks_and_a_week_picks_its_phase(
    page: Any, served: tuple[str, Path]
) -> None:
    from selenium.webdriver.support.ui import Select

    page.get(served[0] + "cards.html")
    weeks = Select(page.find_element("id", "_week"))
    offered = "return [...document.querySelectorAll('#_week optgroup')].filter(g => !g.disabled).length"
    groups = page.execute_script(offered)
    assert groups >= 2  # every phase's weeks while no phase is chosen
    Select(page.find_element("id", "_phase")).select_by_value("2")
    assert page.execute_script(offered) == 1
    assert page.execute_script(
        "return [...document.querySelectorAll('#_week optgroup')].filter(g => !g.disabled)"
        ".every(g => [...g.querySelectorAll('option')].every(o => o.value.startsWith('2.')))"
    )
    Select(page.find_element("id", "_phase")).select_by_value("")
    first_week = page.execute_script("return document.querySelector('#_week option[value^=\"1.\"]').value")
    weeks.select_by_value(first_week)  # a week of phase 1: the phase follows
    assert Select(page.find_element("id", "_phase")).first_selected_option.get_attribute("value") == "1"
    assert weeks.first_selected_option.get_attribute("value") == first_week
    assert set(
        page.execute_script(
            "return [...document.querySelectorAll('.note')].filter(n => !n.hidden).map(n => n.dataset.week)"
        )
    ) == {first_week}


def test_opening_a_card_s_anchor_scrolls_it_into_view(page: Any, served: tuple[str, Path]) -> None:
    page.get(served[0] + "cards.html#late-week")
    top, bar, height, scrolled = page.execute_script(
        "const r = document.getElementById('late-week').getBoundingClientRect();"
        "return [r.top, document.querySelector('.bar').getBoundingClientRect().bottom, innerHeight, scrollY]"
    )
    assert scrolled > 0 and bar <= top < height  # below the sticky bar, in the window
    page.get(served[0] + "cards.html?phase=1#cpp-cloze")  # a card the filter hides: the filter gives way
    assert "cpp-cloze" in visible_notes(page)


def test_the_dark_switch_changes_the_colours_and_is_remembered(page: Any, served: tuple[str, Path]) -> None:
    page.get(served[0] + "cards.html")
    light = colours(page)
    assert light["card"] == "rgb(255, 255, 255)" and light["page"] == "rgb(229, 229, 234)"
    page.find_element("css selector", "label[for=_dark]").click()
    dark = colours(page)
    assert dark["card"] == "rgb(28, 28, 30)" and dark["cardText"] == "rgb(229, 229, 234)"  # the note type's night mode
    assert dark["page"] == "rgb(0, 0, 0)" and dark["id"] == "rgb(174, 174, 178)"
    assert light["block"] == dark["block"] == "rgba(0, 0, 0, 0)"  # the block's own, not inline code's, as in Anki
    page.get(served[0] + "index.html")
    assert page.find_element("id", "_dark").is_selected()
    assert page.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.find_element("css selector", "label[for=_auto]").click()
    page.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
    )
    page.get(served[0] + "cards.html")
    assert colours(page) == dark  # Auto follows the system
    page.find_element("css selector", "label[for=_light]").click()
    assert colours(page) == light


def test_a_cloze_card_shows_its_gap_on_the_front_and_the_answer_on_the_back(
    page: Any, served: tuple[str, Path]
) -> None:
    page.get(served[0] + "cards.html#cpp-cloze")
    sides = page.execute_script(
        "return [...document.querySelectorAll('#cpp-cloze .side')].map(s => "
        "[s.querySelector('.label').textContent, [...s.querySelectorAll('.cloze')].map(c => c.innerText)])"
    )
    assert sides == [
        ["cloze 1 · front", ["[...]"]],
        ["cloze 1 · back", ["vector"]],
        ["cloze 2 · front", ["[как?]"]],
        ["cloze 2 · back", ["подряд"]],
    ]
    typed = page.execute_script(
        "const s = document.querySelectorAll('#type-in-answer .side');"
        "return [s[0].querySelector('input#typeans').disabled, s[1].querySelector('code#typeans').textContent]"
    )
    assert typed == [True, "2 * [x] == a::b"]


def test_with_javascript_off_every_card_shows_and_the_theme_switch_still_works(served: tuple[str, Path]) -> None:
    driver = _driver(javascript=False)
    try:
        driver.get(served[0] + "cards.html#late-week")
        assert len(visible_notes_without_script(driver)) == 10
        assert not driver.find_element("id", "_filters").is_displayed()  # search and filters need the script
        card = driver.find_element("css selector", ".side.card")
        assert card.value_of_css_property("background-color") == "rgba(255, 255, 255, 1)"
        driver.find_element("css selector", "label[for=_dark]").click()
        assert card.value_of_css_property("background-color") == "rgba(28, 28, 30, 1)"
    finally:
        driver.quit()


def visible_notes_without_script(driver: Any) -> list[Any]:
    return [note for note in driver.find_elements("css selector", ".note") if note.is_displayed()]


SHOTS = os.environ.get("CARDSMITH_SITE_SHOTS", "")


def test_phone_and_desktop_widths_in_light_and_dark_without_sideways_scrolling(
    page: Any, served: tuple[str, Path], tmp_path: Path
) -> None:
    """Screenshots of both pages at 390 and 1280 pixels, light and dark (into $CARDSMITH_SITE_SHOTS when set)."""
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for width in (390, 1280):
            page.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 844 if width < 600 else 900, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            for theme in ("light", "dark"):
                page.execute_cdp_cmd(
                    "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": theme}]}
                )
                for name in ("index", "cards"):
                    page.get(f"{served[0]}{name}.html")
                    wide = page.execute_script("return document.documentElement.scrollWidth - innerWidth")
                    assert wide <= 0, (name, width, theme)
                    page.save_screenshot(str(folder / f"{name}-{width}-{theme}.png"))
    finally:
        page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert len(list(folder.glob("*.png"))) >= 8


def test_the_preview_and_the_site_are_one_page(tmp_path: Path) -> None:
    from cardsmith.preview import preview_page

    cards = project(tmp_path)
    site(cards, tmp_path / "site")
    deck = prepare(cards, Caches(), now=NOW).plan.deck
    alone = preview_page(deck)
    in_site = (tmp_path / "site" / "cards.html").read_text(encoding="utf-8")
    strip = functools.partial(re.sub, r'<nav .*?</nav>|src="[^"]*"', "")
    assert strip(alone) == strip(in_site)


def test_long_release_notes_fold_each_phase_away(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cardsmith import changelog
    from cardsmith.site import OPEN_NOTES, release_notes

    def log(count: int) -> changelog.Changelog:
        cards = tuple(changelog.CardChange("added", f"c{i}", "Q", "Q") for i in range(count))
        groups = (changelog.Group("Фаза 1", "Неделя 1", cards[:1]), changelog.Group("Фаза 2", "", cards[1:]))
        return changelog.Changelog("v1", "Deck", "1.1", "1.0", groups, 0)

    monkeypatch.setattr(changelog, "changes", lambda cards_dir, since: log(OPEN_NOTES))
    short = release_notes(tmp_path)
    assert "<details" not in short and "<h3>Фаза 1</h3><h4>Неделя 1</h4><ul><li>" in short
    monkeypatch.setattr(changelog, "changes", lambda cards_dir, since: log(OPEN_NOTES + 1))
    folded = release_notes(tmp_path)
    assert '<details><summary><h3>Фаза 1</h3><span class="count" lang="en">1 change</span></summary><h4>' in folded
    assert f'<span class="count" lang="en">{OPEN_NOTES} changes</span>' in folded
    assert '<p class="meta" lang="en">Version 1.1, since v1 (1.0).</p>' in folded
