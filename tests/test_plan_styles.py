"""Curricula as people write them (issue 15): each style of plan, as `coverage --json` prints it and as Anki shows it.

Every plan is a deck project in tests/fixtures/plans/<style>/ whose cards sit at the deepest
levels of the plan and name their topics by labels (`Phase 1 / Week 1 / Day 1-2 / Strings`).
The expected trees, decks and tags below are written by hand from the plans.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anki_helpers import import_apkg
from cardsmith import sources
from cardsmith.cli import cli
from cardsmith.config import parse_config
from cardsmith.curriculum import parse_curriculum
from cardsmith.exporters import NAMES
from cardsmith.memo import Memo
from cardsmith.model import Kind, Location
from cardsmith.notes import make_notes
from cardsmith.project import load_project
from cardsmith.render import Renderer
from conftest import NOW, ROOT, edit

PLANS = Path(__file__).parent / "fixtures" / "plans"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(NOW)})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/plans."""
    shutil.copytree(PLANS, tmp_path / "plans")
    return tmp_path / "plans"


def tree(cards_dir: Path) -> list[str]:
    """What `coverage --json` prints, one line per node: indented by depth, leaves with their cards."""
    code, out, err = run("coverage", "--cards", str(cards_dir), "--json")
    assert (code, err) == (0, ""), err
    lines = []
    for row in json.loads(out):
        count = f"  [{row['cards']}]" if row["leaf"] else ""
        lines.append("  " * (len(row["path"]) - 1) + row["path"][-1] + count)
    return lines


def init(folder: Path, plan: Path) -> tuple[list[Path], list[str]]:
    """Run `init --curriculum`: the files it says it wrote, and its other lines."""
    code, out, err = run("init", str(folder), "--curriculum", str(plan))
    assert (code, err) == (0, ""), err
    lines = out.splitlines()
    return [Path(line.removeprefix("wrote ")) for line in lines if line.startswith("wrote ")], [
        line for line in lines if not line.startswith("wrote ")
    ]


# --- The tree of each style ----------------------------------------------------------------------

TREES = {
    # emoji and bold phase headings, a label before a dash, emphasis with underscores
    "headings": [
        "Phase 1: Python Foundation (Months 1-3)",
        "  Week 1: Basics",
        "    Variables  [0]",
        "    Loops  [1]",
        "Phase 2 — Pipelines",
        "  Week 2 – Data",
        "    Generators  [0]",
        "    itertools  [1]",
        "Phase 3 - Delivery",
        "  Docker  [1]",
    ],
    # `####` and `#####` headings are groups at their depth, also straight under a phase
    "groups": [
        "Phase 1: Web",
        "  Warm-up",
        "    HTTP verbs  [1]",
        "  Week 1: APIs",
        "    Learning Content",
        "      REST",
        "        Resources  [1]",
        "      Deep dive",
        "        Idempotency  [1]",
        "    Project Work",
        "      Todo API  [0]",
        "  Week 2: Storage",
        "    SQL  [1]",
    ],
    # a paragraph that is only bold text, followed by a list, is the group of that list
    "days": [
        "Phase 1: Python",
        "  Week 1: Basics",
        "    Day 1-2: Types",
        "      Numbers  [0]",
        "      Strings  [1]",
        "    Day 3: Functions",
        "      Arguments  [1]",
        "      Return values  [0]",
        "    Day 4–5",
        "      Exceptions  [1]",
        "    Review  [0]",
        "  Week 2: Files",
        "    Reading",
        "      Modes",
        "        Text  [0]",
        "        Binary  [1]",
    ],
    # task-list boxes are not part of a title; an item that is only a box is not a topic
    "tasks": [
        "Phase 1: Go",
        "  Week 1: Syntax",
        "    if and switch  [1]",
        "    for loops  [0]",
        "    defer  [0]",
        "    Slices",
        "      append  [0]",
        "      copy  [1]",
    ],
    # items that are only a link are resources, and a group of nothing but links goes with them
    "resources": [
        "Phase 1: Web",
        "  Week 1: HTTP",
        "    Status codes  [1]",
        "    Read the guide on caching  [1]",
    ],
    # weeks as `##` headings, with `phase_word: Week`
    "weeks": [
        "Week 1: Basics",
        "  Day 1",
        "    Variables  [0]",
        "  Day 2",
        "    Loops  [1]",
        "Week 2: Functions",
        "  Arguments  [1]",
    ],
    # all of it at once, with `exclude: [Project Work, Daily Schedule]`
    "roadmap": [
        "Phase 1: Python Foundation (Months 1-3)",
        "  Week 1-2: Python Basics",
        "    Learning Content",
        "      Day 1-2: Types and Variables",
        "        Numbers and strings  [0]",
        "        if and switch  [1]",
        "        for loops  [1]",
        "      Day 3-4: Functions",
        "        Arguments",
        "          print() and input()  [1]",
        "        Return values  [0]",
        "Phase 2 — Web APIs",
        "  Week 3: FastAPI",
        "    Day 1-2: FastAPI Fundamentals",
        "      FastAPI framework architecture  [0]",
        "      Path and query parameters  [0]",
        "      Pydantic models",
        "        Validation  [1]",
        "        Serialization  [0]",
    ],
}

CARDS = {"headings": 3, "groups": 4, "days": 4, "tasks": 2, "resources": 2, "weeks": 2, "roadmap": 4}


@pytest.mark.parametrize("style", TREES)
def test_coverage_prints_the_plan_as_it_is_written_and_cards_find_the_deepest_topics_by_label(
    style: str, plans: Path
) -> None:
    assert run("check", "--strict", "--cards", str(plans / style)) == (0, f"ok: {CARDS[style]} cards in 1 file.\n", "")
    assert tree(plans / style) == TREES[style]


def test_coverage_json_paths_are_the_titles_a_reader_sees(plans: Path) -> None:
    _, out, _ = run("coverage", "--cards", str(plans / "roadmap"), "--json")
    rows = json.loads(out)
    assert rows[9] == {
        "path": [
            "Phase 1: Python Foundation (Months 1-3)",
            "Week 1-2: Python Basics",
            "Learning Content",
            "Day 3-4: Functions",
            "Arguments",
            "print() and input()",
        ],
        "leaf": True,
        "cards": 1,
        "total": 1,
    }


def test_the_roadmap_without_its_one_setting_has_every_part_and_says_how_to_leave_some_out(plans: Path) -> None:
    roadmap = plans / "roadmap"
    edit(roadmap / "deck.yaml", "exclude: [Project Work, Daily Schedule]   # the one setting this plan needs\n", "")
    assert tree(roadmap)[11:16] == [
        "    Project Work",
        "      Build a CLI calculator  [0]",
        "    Daily Schedule",
        "      Morning (2h): theory  [0]",
        "      Evening (1h): practice  [0]",
    ]
    code, out, _ = run("coverage", "--cards", str(roadmap))
    assert code == 0
    assert out.splitlines()[-3:] == [
        "note: a part of the plan that is not studied (resources, projects, a schedule) can be left out of the deck: "
        "list its title or label under 'exclude:' in deck.yaml",
        "note: 5 list items that are only a link (resources) are left out; 'link_items: true' in deck.yaml keeps "
        "such items as topics",
        "4 cards; 4 of 12 topics have at least 1 card",
    ]


def test_link_items_true_keeps_resources_as_topics(plans: Path) -> None:
    resources = plans / "resources"
    (resources / "deck.yaml").write_text(
        "title: Resources\nid: plan-resources\nlanguage: en\nlink_items: true\n", encoding="utf-8"
    )
    assert tree(resources) == [
        "Phase 1: Web",
        "  Week 1: HTTP",
        "    Status codes  [1]",
        "    MDN: HTTP - the reference  [0]",
        "    RFC 9110  [0]",
        "    https://httpwg.org  [0]",
        "    https://example.org/http  [0]",
        "    Read the guide on caching  [1]",
        "    Reading list",
        "      HTTP: The Definitive Guide (book)  [0]",
        "      High Performance Browser Networking: chapters 9-12  [0]",
        "    Learning Resources",
        "      FastAPI Documentation - FastAPI framework  [0]",
        "      HTTP crash course  [0]",
    ]
    code, out, _ = run("coverage", "--cards", str(resources))
    assert code == 0 and "link_items" not in out


def test_exclude_takes_titles_labels_and_paths_at_any_level(plans: Path) -> None:
    groups = plans / "groups"
    (groups / "cards.yaml").write_text("cards: []\n", encoding="utf-8")
    deck = "title: Groups\nid: plan-groups\nexclude:\n  - {}\n"
    (groups / "deck.yaml").write_text(deck.format("Week 1 / Learning Content / Deep dive"), encoding="utf-8")
    assert "      Deep dive" not in tree(groups) and "  Warm-up" in tree(groups)
    (groups / "deck.yaml").write_text(deck.format("📚 learning content"), encoding="utf-8")  # as copied, any case
    assert tree(groups) == [
        "Phase 1: Web",
        "  Warm-up",
        "    HTTP verbs  [0]",
        "  Week 1: APIs",
        "    Project Work",
        "      Todo API  [0]",
        "  Week 2: Storage",
        "    SQL  [0]",
    ]
    (groups / "deck.yaml").write_text(deck.format("Week 2"), encoding="utf-8")  # a label
    assert tree(groups)[-2:] == ["    Project Work", "      Todo API  [0]"]


def test_a_plan_whose_weeks_are_level_two_headings_says_which_phase_word_to_set(plans: Path) -> None:
    weeks = plans / "weeks"
    edit(weeks / "deck.yaml", "phase_word: Week\n", "")
    (weeks / "cards.yaml").write_text("cards: []\n", encoding="utf-8")
    code, out, err = run("check", "--cards", str(weeks))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{weeks / 'curriculum.md'}:1:1: error: no phases found: a phase is a '## ' heading whose title starts with "
        "a phase word (Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part); the '## ' headings here start with "
        "'Week' (2 of them), 'Resources': set phase_word: Week in deck.yaml",
        "1 error(s).",
    ]


def test_init_with_a_curriculum_picks_the_phase_word_from_the_plans_headings(tmp_path: Path) -> None:
    folder = tmp_path / "weekly"
    plan = PLANS / "weeks" / "curriculum.md"
    written, said = init(folder, plan)
    assert {folder / "deck.yaml", folder / "curriculum.md", folder / "questions" / "cards.yaml"} <= set(written)
    assert said[:3] == [
        "the plan has 2 phases, 2 weeks and 3 topics; its '## ' headings start with 'Week', so deck.yaml says "
        "phase_word: Week",
        "not studied: the '## ' sections 'Resources'; to study one, list it under 'sections:' in deck.yaml",
        "to leave out other parts that are not studied (projects, success criteria, a schedule), list their titles "
        "or labels under 'exclude:' in deck.yaml",
    ]
    assert said[-1] == (
        f"next: check the deck id in {folder / 'deck.yaml'} (it cannot change once learners have the deck), see the "
        f"plan's topics with `cardsmith coverage --cards {folder}`, write cards, then run "
        f"`cardsmith build --cards {folder} --out {folder}-decks`"
    )
    deck = (folder / "deck.yaml").read_text(encoding="utf-8")
    assert "\ntitle: Weeks\n" in deck and "\nphase_word: Week " in deck
    assert (folder / "curriculum.md").read_bytes() == plan.read_bytes()
    assert run("check", "--cards", str(folder)) == (0, "ok: 0 cards in 1 file.\n", "")
    assert tree(folder)[:3] == ["Week 1: Basics", "  Day 1", "    Variables  [0]"]


def test_init_with_a_roadmap_needs_no_phase_word_and_says_what_it_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "backend"
    _, said = init(folder, PLANS / "roadmap" / "curriculum.md")
    assert said[:2] == [
        "the plan has 2 phases, 2 weeks and 12 topics",
        "5 list items that are only a link (resources) are left out; 'link_items: true' in deck.yaml keeps such "
        "items as topics",
    ]
    deck = (folder / "deck.yaml").read_text(encoding="utf-8")
    assert "\ntitle: Python Backend Roadmap\n" in deck and "\n# phase_word:" in deck and "\n# exclude:" in deck


def test_init_with_a_plan_it_cannot_read_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    bad = tmp_path / "plan.md"
    bad.write_bytes(b"# Plan\n\n## Phase 1\n- caf\xe9\n")
    assert run("init", str(folder), "--curriculum", str(bad)) == (
        1,
        "",
        f"{bad}:4:6: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8\n1 error(s); nothing was written.\n",
    )
    assert not folder.exists()
    missing = tmp_path / "missing.md"
    code, out, err = run("init", str(folder), "--curriculum", str(missing))
    assert (code, out) == (1, "") and err.startswith(f"{missing}: error: cannot read file: ")
    assert not folder.exists()


def test_init_with_a_plan_without_phases_or_a_shared_word_warns_and_still_starts(tmp_path: Path) -> None:
    plan = tmp_path / "notes.md"
    plan.write_text('# Notes: "mine"\n\n## Intro\n- a\n\n## Tools\n- b\n', encoding="utf-8")
    folder = tmp_path / "notes"
    _, said = init(folder, plan)
    assert said[0] == (
        f"{plan}:1:1: warning: no phases found: a phase is a '## ' heading whose title starts with a phase word "
        "(Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part); the '## ' headings here start with 'Intro', "
        "'Tools'; set phase_word in deck.yaml to the word your plan uses"
    )
    assert '\ntitle: "Notes: \\"mine\\""\n' in (folder / "deck.yaml").read_text(encoding="utf-8")  # quoted YAML


# --- What deck.yaml says, checked -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            "exclude: [Project Work, Daily Schedul]\n",
            "5:25: error: 'exclude' names 'Daily Schedul', but no heading, bold label or list item of {plan} has that "
            "title or label (did you mean 'Daily Schedule'?)",
        ),
        ("exclued: [Project Work]\n", "5:1: error: unknown setting 'exclued' (did you mean 'exclude'?)"),
        ("exclude: {Project Work: yes}\n", "5:10: error: 'exclude' must be a list of text, not a mapping"),
        (
            "exclude: ['', Project Work]\n",
            "5:11: error: an empty entry in 'exclude'; write a title or label of the plan",
        ),
        (
            "exclude: [12]\n",
            "5:11: error: 'exclude' must be text, but YAML reads '12' as a number; quote it: exclude: \"12\"",
        ),
        ("link_item: true\n", "5:1: error: unknown setting 'link_item' (did you mean 'link_items'?)"),
        (
            'link_items: "true"\n',
            "5:13: error: 'link_items' must be true or false, not text; write it without quotes: link_items: true",
        ),
        (
            "link_items: [a]\n",
            "5:13: error: 'link_items' must be true or false, not a list; write it: link_items: true",
        ),
    ],
)
def test_new_settings_are_checked_where_they_are_written(plans: Path, lines: str, message: str) -> None:
    roadmap = plans / "roadmap"
    deck = "title: Python Backend Roadmap\nid: plan-roadmap\nlanguage: en\n# the settings under test:\n" + lines
    (roadmap / "deck.yaml").write_text(deck, encoding="utf-8")
    code, out, err = run("check", "--cards", str(roadmap))
    assert (code, out) == (1, "")
    expected = f"{roadmap / 'deck.yaml'}:" + message.format(plan=roadmap / "curriculum.md")
    assert err.splitlines() == [expected, "1 error(s)."]


# --- In a real Anki collection ----------------------------------------------------------------------

DECKS = {
    "headings": [
        "Headings",
        "Headings::01 Phase 1: Python Foundation (Months 1-3)",
        "Headings::01 Phase 1: Python Foundation (Months 1-3)::01 Week 1: Basics",
        "Headings::02 Phase 2 — Pipelines",
        "Headings::02 Phase 2 — Pipelines::01 Week 2 – Data",
        "Headings::03 Phase 3 - Delivery",
    ],
    "groups": [
        "Groups",
        "Groups::01 Phase 1: Web",
        "Groups::01 Phase 1: Web::01 Week 1: APIs",
        "Groups::01 Phase 1: Web::02 Week 2: Storage",
    ],
    "days": [
        "Days",
        "Days::01 Phase 1: Python",
        "Days::01 Phase 1: Python::01 Week 1: Basics",
        "Days::01 Phase 1: Python::02 Week 2: Files",
    ],
    "tasks": ["Tasks", "Tasks::01 Phase 1: Go", "Tasks::01 Phase 1: Go::01 Week 1: Syntax"],
    "resources": ["Resources", "Resources::01 Phase 1: Web", "Resources::01 Phase 1: Web::01 Week 1: HTTP"],
    "weeks": [
        "Weeks",
        "Weeks::01 Week 1: Basics",
        "Weeks::01 Week 1: Basics::02 Day 2",
        "Weeks::02 Week 2: Functions",
    ],
    "roadmap": [
        "Python Backend Roadmap",
        "Python Backend Roadmap::01 Phase 1: Python Foundation (Months 1-3)",
        "Python Backend Roadmap::01 Phase 1: Python Foundation (Months 1-3)::01 Week 1-2: Python Basics",
        "Python Backend Roadmap::02 Phase 2 — Web APIs",
        "Python Backend Roadmap::02 Phase 2 — Web APIs::01 Week 3: FastAPI",
    ],
}

TAGS = {
    "headings": [
        "phase::1",
        "phase::2",
        "phase::3",
        "topic::Docker",
        "topic::Loops",
        "topic::itertools",
        "week::01",
        "week::02",
    ],
    "groups": [
        "phase::1",
        "topic::Learning_Content::Deep_dive::Idempotency",
        "topic::Learning_Content::REST::Resources",
        "topic::SQL",
        "topic::Warm-up::HTTP_verbs",
        "week::01",
        "week::02",
    ],
    "days": [
        "phase::1",
        "topic::Day_1-2::Strings",
        "topic::Day_3::Arguments",
        "topic::Day_4–5::Exceptions",
        "topic::Reading::Modes::Binary",
        "week::01",
        "week::02",
    ],
    "tasks": ["phase::1", "topic::Slices::copy", "topic::if_and_switch", "week::01"],
    "resources": ["phase::1", "topic::Read_the_guide_on_caching", "topic::Status_codes", "week::01"],
    "weeks": ["phase::1", "phase::2", "topic::Arguments", "topic::Loops", "week::02"],
    "roadmap": [
        "phase::1",
        "phase::2",
        "topic::Day_1-2::Pydantic_models::Validation",
        "topic::Learning_Content::Day_1-2::for_loops",
        "topic::Learning_Content::Day_1-2::if_and_switch",
        "topic::Learning_Content::Day_3-4::Arguments::print()_and_input()",
        "week::01-02",
        "week::03",
    ],
}


def no_markup(name: str) -> bool:
    """No Markdown marks, task-list boxes or emoji in a deck name or tag."""
    marks = ("*", "`", "__", "[ ]", "[x]", "[X]", "](", "<http")
    return not any(mark in name for mark in marks) and not any(unicodedata.category(c) == "So" for c in name)


@pytest.mark.anki
@pytest.mark.parametrize("style", DECKS)
def test_anki_shows_decks_and_tags_without_markup(style: str, plans: Path, tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "decks"
    code, _, err = run("build", "--cards", str(plans / style), "--out", str(out))
    assert (code, err) == (0, ""), err
    (package,) = [p for p in out.iterdir() if p.suffix == ".apkg" and "-phase-" not in p.name]
    import_apkg(collection, package)
    title = DECKS[style][0]
    names = sorted(d.name for d in collection.decks.all_names_and_ids() if d.name.split("::")[0] == title)
    assert names == DECKS[style]
    tags = sorted({tag for nid in collection.find_notes("") for tag in collection.get_note(nid).tags})
    assert tags == sorted(TAGS[style])
    assert all(no_markup(name) for name in names + tags)
    crumbs = [collection.get_note(nid)["Topic"] for nid in collection.find_notes("")]
    assert all(no_markup(crumb) for crumb in crumbs)


# --- The shipped deck -------------------------------------------------------------------------------


def test_the_shipped_plan_reads_as_before() -> None:
    """Phases, weeks and topics, and every note's GUID, deck, tags and breadcrumb, as the code before issue 15 made them.

    tests/golden/seed_parse.json was written by the parser of the commit before issue 15, never by this one.
    """
    project = load_project(ROOT / "cards")
    plan = project.curriculum
    nodes = [
        [n.kind.value, n.location.line, n.ordinal, *n.path]
        for n in plan.nodes
        if plan.section_of(n.index).kind is Kind.PHASE or n.parent is None
    ]
    notes = make_notes(project.config, plan, project.cards, Renderer(Memo()))
    rows = [[n.id, n.guid, n.deck.name, list(n.tags), n.field("Topic"), n.phase, n.order] for n in notes]
    golden = json.loads((Path(__file__).parent / "golden" / "seed_parse.json").read_text(encoding="utf-8"))
    assert nodes == golden["nodes"]
    assert rows == golden["notes"]


# --- The README tells the truth about plans ---------------------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_example_plan_reads_as_the_readme_says() -> None:
    section = README.split("### The curriculum\n", 1)[1].split("\n### Question files", 1)[0]
    example = section.split("```markdown\n", 1)[1].split("```", 1)[0]
    where = Location("deck.yaml", 1, 1)
    plan, problems = parse_curriculum(example, "plan.md", exclude=(("Daily Schedule", where),))
    assert problems == []
    assert [" / ".join(n.path) for n in plan.nodes if plan.is_leaf(n.index)] == [
        "Phase 1: Python Foundation (Months 1-3) / Week 1-2: Python Basics / Learning Content / "
        "Day 1-2: Types and Variables / Numbers and strings",
        "Phase 1: Python Foundation (Months 1-3) / Week 1-2: Python Basics / Learning Content / "
        "Day 1-2: Types and Variables / if and switch",
    ]
    assert "`topic: Phase 1 / Week 1-2 / Learning Content / Day 1-2 / if and switch`" in section
    assert "`topic::Learning_Content::Day_1-2::if_and_switch`" in section


def test_the_readme_deck_yaml_example_has_the_new_settings_and_they_are_valid() -> None:
    example = README.split("### `deck.yaml`\n\n```yaml\n", 1)[1].split("```", 1)[0]
    ours = [line for line in example.splitlines() if line.startswith(("exclude:", "link_items:"))]
    assert [line.split("#")[0].strip() for line in ours] == ["exclude: []", "link_items: false"]
    text = "title: T\nid: t\n" + "\n".join(ours) + "\n"
    config, problems = parse_config(sources.Text("deck.yaml", text), NAMES)
    assert problems == [] and config is not None and (config.exclude, config.link_items) == ((), False)
