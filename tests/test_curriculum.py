from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cardsmith.curriculum import (
    aliases,
    clean_title,
    decode,
    encode,
    is_phase_title,
    parse_curriculum,
    suggest_phase_word,
)
from cardsmith.model import Curriculum, Kind, Location

SEED = Path(__file__).parent.parent / "cards" / "curriculum.md"


def tree(curriculum: Curriculum) -> list[str]:
    return ["  " * n.depth + f"{n.kind.value}: {n.title} @{n.location.line}" for n in curriculum.nodes]


def test_the_seed_has_four_phases_and_160_leaf_topics() -> None:
    curriculum, problems = parse_curriculum(SEED.read_text(encoding="utf-8"), "curriculum.md")
    assert problems == []
    assert [p.title for p in curriculum.phases] == [
        "Фаза 1: Основы Python (4-6 недель)",
        "Фаза 2: Backend-специфичные технологии (6-8 недель)",
        "Фаза 3: Продвинутые backend концепции (4-6 недель)",
        "Фаза 4: DevOps и продакшн (3-4 недели)",
    ]
    leaves = [
        n
        for n in curriculum.nodes
        if curriculum.is_leaf(n.index) and n.kind is Kind.TOPIC and curriculum.section_of(n.index).kind is Kind.PHASE
    ]
    per_phase = [sum(1 for n in leaves if curriculum.section_of(n.index) == p) for p in curriculum.phases]
    assert per_phase == [35, 48, 49, 28]


def test_the_seed_keeps_python_dunder_names_and_overlapping_weeks() -> None:
    curriculum, _ = parse_curriculum(SEED.read_text(encoding="utf-8"), "curriculum.md")
    titles = [n.title for n in curriculum.nodes]
    assert "Конструктор __init__" in titles
    assert "Магические методы (__str__, __repr__, __len__)" in titles
    assert "Структура пакетов и __init__.py" in titles
    phase2 = curriculum.phases[1]
    weeks = [curriculum.nodes[k].title for k in curriculum.children[phase2.index]]
    assert weeks[2:] == ["Неделя 12-14: Базы данных и ORM", "Неделя 13-14: Аутентификация и безопасность"]


def test_sections_that_are_not_phases_are_kept_apart() -> None:
    curriculum, _ = parse_curriculum(SEED.read_text(encoding="utf-8"), "curriculum.md")
    sections = [n.title for n in curriculum.nodes if n.kind is Kind.SECTION]
    assert sections == [
        "Практические проекты для закрепления",
        "Рекомендуемые ресурсы",
        "Временные рамки и интенсивность",
    ]


def test_nodes_remember_their_source_line() -> None:
    curriculum, _ = parse_curriculum(SEED.read_text(encoding="utf-8"), "curriculum.md")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for node in curriculum.nodes:
        assert node.title.split(" ")[0].strip("*_") in lines[node.location.line - 1], node


def test_star_lists_with_four_space_indents() -> None:
    text = textwrap.dedent(
        """\
        # Plan

        ## Phase 1: Basics

        ### Week 1: Start
        * **Syntax**
            * Variables
            * Operators
                * Arithmetic
        * Data
        """
    )
    curriculum, problems = parse_curriculum(text, "plan.md", phase_word="Phase")
    assert problems == []
    assert tree(curriculum) == [
        "phase: Phase 1: Basics @3",
        "  week: Week 1: Start @5",
        "    topic: Syntax @6",
        "      topic: Variables @7",
        "      topic: Operators @8",
        "        topic: Arithmetic @9",
        "    topic: Data @10",
    ]


def test_numbered_lists_and_topics_directly_under_a_phase() -> None:
    text = textwrap.dedent(
        """\
        ## Этап 1. Основы
        1. Типы
           1. Числа
           2. Строки
        2. Циклы

        ## Этап 2. Веб
        ### Неделя 3
        - HTTP
        """
    )
    curriculum, problems = parse_curriculum(text, "plan.md", phase_word="Этап")
    assert problems == []
    assert tree(curriculum) == [
        "phase: Этап 1. Основы @1",
        "  topic: Типы @2",
        "    topic: Числа @3",
        "    topic: Строки @4",
        "  topic: Циклы @5",
        "phase: Этап 2. Веб @7",
        "  week: Неделя 3 @8",
        "    topic: HTTP @9",
    ]


def test_crlf_bom_html_comments_and_inline_code_in_titles() -> None:
    text = (
        "\ufeff## Фаза 1: Старт  \r\n"
        "<!-- a comment that is not a topic -->\r\n"
        "### Неделя 1\r\n"
        "- **`asyncio` и `await`**\r\n"
        "  - `gather()` <!-- inline comment -->\r\n"
        "  - __slots__ и _private\r\n"
    )
    curriculum, problems = parse_curriculum(text, "plan.md")
    assert problems == []
    assert tree(curriculum) == [
        "phase: Фаза 1: Старт @1",
        "  week: Неделя 1 @3",
        "    topic: asyncio и await @4",
        "      topic: gather() @5",
        "      topic: __slots__ и _private @6",
    ]


def test_a_plan_without_phases_is_a_problem() -> None:
    curriculum, problems = parse_curriculum("# Plan\n\n## Intro\n- a\n\n## Phases overview\n- b\n", "plan.md")
    assert [str(p) for p in problems] == [
        "plan.md:1:1: error: no phases found: a phase is a '## ' heading whose title starts with a phase word "
        "(Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part); the '## ' headings here start with 'Intro', "
        "'Phases'; set phase_word in deck.yaml to the word your plan uses"
    ]
    assert curriculum.phases == ()
    _, problems = parse_curriculum("# Plan\n\n## Intro\n- a\n", "plan.md")  # one heading: nothing to compare
    assert [str(p) for p in problems] == [
        "plan.md:1:1: error: no phases found: a phase is a '## ' heading whose title starts with a phase word "
        "(Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part); set phase_word in deck.yaml to the word your "
        "plan uses"
    ]
    _, problems = parse_curriculum("# Plan\n\n## Intro\n- a\n", "plan.md", phase_word="Этап")
    assert [str(p) for p in problems] == [
        "plan.md:1:1: error: no phases found: a phase is a '## ' heading whose title starts with 'Этап' "
        "(the phase_word setting in deck.yaml)"
    ]
    text = "## Неделя 1: Основы\n- a\n## Неделя 2\n- b\n## 📚 Ресурсы\n- c\n"
    _, problems = parse_curriculum(text, "plan.md", phase_word="Этап")
    assert [str(p) for p in problems] == [
        "plan.md:1:1: error: no phases found: a phase is a '## ' heading whose title starts with 'Этап' "
        "(the phase_word setting in deck.yaml); the '## ' headings here start with 'Неделя' (2 of them), 'Ресурсы': "
        "set phase_word: Неделя in deck.yaml"
    ]


@pytest.mark.parametrize("word", ["Фаза", "Phase", "Этап", "Stage", "Модуль", "Module", "Часть", "Part"])
def test_the_usual_phase_words_need_no_setting(word: str) -> None:
    text = f"# Plan\n\n## {word} 1: Basics\n### Week 1\n- a\n\n## Partners\n- b\n"
    curriculum, problems = parse_curriculum(text, "plan.md")
    assert problems == [] and [p.title for p in curriculum.phases] == [f"{word} 1: Basics"]


def test_a_section_listed_in_the_config_becomes_a_phase() -> None:
    text = "## Фаза 1\n- a\n## Проекты\n- b\n"
    curriculum, _ = parse_curriculum(text, "plan.md", sections=("Проекты",))
    assert [p.title for p in curriculum.phases] == ["Фаза 1", "Проекты"]


def test_aliases_are_the_label_and_the_title_without_parenthetical() -> None:
    assert aliases("Фаза 1: Основы Python (4-6 недель)") == {
        "Фаза 1: Основы Python (4-6 недель)",
        "Фаза 1",
        "Фаза 1: Основы Python",
    }
    assert aliases("FastAPI (рекомендуемый для начинающих)") == {
        "FastAPI (рекомендуемый для начинающих)",
        "FastAPI",
    }
    assert aliases("Переменные и именование") == {"Переменные и именование"}


# --- Curricula as people write them (issue 15; whole plans are in test_plan_styles.py) ----------


@pytest.mark.parametrize(
    ("written", "seen"),
    [
        ("🏆 Phase 1", "Phase 1"),
        ("Python 🐍", "Python"),
        ("🛠️ Project Work", "Project Work"),  # with a variation selector
        ("👩🏽‍💻 Pairing", "Pairing"),  # skin tone and joiner
        ("🇩🇪 German", "German"),  # a flag
        ("1️⃣ Basics", "Basics"),  # a keycap
        ("[ ] if and switch", "if and switch"),
        ("[x] ✅ done", "done"),
        ("✅ [X] done", "done"),
        ("[ ]", ""),
        ("🚀", "🚀"),  # nothing but an emoji: kept
        ("C# and F#", "C# and F#"),
        ("№ 5 — 90°", "№ 5 — 90°"),
        ("[link] text", "[link] text"),
    ],
)
def test_titles_lose_their_emoji_and_task_boxes(written: str, seen: str) -> None:
    assert clean_title(written) == seen


def test_titles_lose_emphasis_and_code_marks_but_python_names_keep_theirs() -> None:
    text = (
        "## **🏆 Phase 1: Python Foundation (Months 1-3)**\n"
        "### __Week 1 — Basics__\n"
        "- *Lists* and `dict` in __init__.py\n"
        "- _value_ and __dunder__ and __two words__ and _one more_\n"
    )
    curriculum, problems = parse_curriculum(text, "plan.md")
    assert problems == []
    assert tree(curriculum) == [
        "phase: Phase 1: Python Foundation (Months 1-3) @1",
        "  week: Week 1 — Basics @2",
        "    topic: Lists and dict in __init__.py @3",
        "    topic: _value_ and __dunder__ and two words and one more @4",  # one word: a name (Enum._value_)
    ]


def test_the_phase_word_is_a_whole_word() -> None:
    assert is_phase_title("Week 1", "Week") and is_phase_title("Week: intro", "Week")
    assert not is_phase_title("Weekly review", "Week") and not is_phase_title("Partners", "")
    assert is_phase_title("Part-1", "Part-")  # a phase word that ends in punctuation is a prefix


def test_the_phase_word_suggested_is_the_numbered_first_word_of_several_headings() -> None:
    assert suggest_phase_word(["Week 1: Basics", "Week 2", "Resources", "Week 3"]) == "Week"
    assert suggest_phase_word(["Intro", "Month 1", "Month 2", "Extras", "Extras too"]) == "Month"
    assert suggest_phase_word(["Week 1", "Resources"]) == ""  # one heading is no pattern
    assert suggest_phase_word(["The basics", "The end"]) == ""  # no number after the word
    assert suggest_phase_word([]) == ""


def test_every_heading_level_nests_and_skipping_a_level_is_fine() -> None:
    text = textwrap.dedent(
        """\
        ## Phase 1
        #### Straight under the phase
        - a
        ### Week 1
        ##### Deep
        - b
        #### Group
        - c
        ###### Deeper
        - d
        ### Week 2
        - e
        """
    )
    curriculum, problems = parse_curriculum(text, "plan.md")
    assert problems == []
    assert tree(curriculum) == [
        "phase: Phase 1 @1",
        "  topic: Straight under the phase @2",
        "    topic: a @3",
        "  week: Week 1 @4",
        "    topic: Deep @5",
        "      topic: b @6",
        "    topic: Group @7",
        "      topic: c @8",
        "      topic: Deeper @9",
        "        topic: d @10",
        "  week: Week 2 @11",
        "    topic: e @12",
    ]
    assert [n.ordinal for n in curriculum.nodes if n.kind is Kind.WEEK] == [1, 2]


def test_a_bold_paragraph_is_a_group_only_when_it_is_all_bold_and_a_list_follows() -> None:
    text = textwrap.dedent(
        """\
        ## Phase 1
        **Goal**: a paragraph that goes on after the bold part
        - a

        **Day 1-2: Types**
        - b

        **Day 3:**

        1. c

        **Alone, no list after it**

        Some text.
        - d
        - **e**

          **Inside an item**
          - f
        """
    )
    curriculum, _ = parse_curriculum(text, "plan.md")
    assert tree(curriculum) == [
        "phase: Phase 1 @1",
        "  topic: a @3",
        "  topic: Day 1-2: Types @5",
        "    topic: b @6",
        "  topic: Day 3 @8",
        "    topic: c @10",
        "  topic: d @15",
        "  topic: e @16",
        "    topic: Inside an item @18",
        "      topic: f @19",
    ]


def test_link_items_and_groups_of_only_links_are_left_out_unless_link_items() -> None:
    text = textwrap.dedent(
        """\
        ## Phase 1
        - Topic with [a link](https://a.example) inside
        - [Docs](https://b.example)
        - **Books**
          - [Book](https://c.example) by Someone
        - Mixed
          - [Site](https://d.example): tutorials
          - Kept
        """
    )
    curriculum, _ = parse_curriculum(text, "plan.md")
    assert tree(curriculum) == [
        "phase: Phase 1 @1",
        "  topic: Topic with a link inside @2",
        "  topic: Mixed @6",
        "    topic: Kept @8",
    ]
    assert [str(where) for where in curriculum.links] == ["plan.md:3:1", "plan.md:5:1", "plan.md:7:1"]
    everything, _ = parse_curriculum(text, "plan.md", link_items=True)
    assert len(everything.nodes) == 8 and everything.links == ()


def test_exclude_cuts_subtrees_by_title_label_or_path_and_names_what_it_cannot_find() -> None:
    text = "## Phase 1\n### Week 1\n- GitHub Actions / GitLab CI\n  - a\n- Resources\n### Week 2\n- Resources\n"
    where = Location("deck.yaml", 5, 5)
    curriculum, problems = parse_curriculum(
        text, "plan.md", exclude=(("GitHub Actions / GitLab CI", where), ("week 2 / resources", where))
    )
    assert problems == []
    assert tree(curriculum) == [
        "phase: Phase 1 @1",
        "  week: Week 1 @2",
        "    topic: Resources @5",
        "  week: Week 2 @6",
    ]
    _, problems = parse_curriculum(text, "plan.md", exclude=(("Resorces", where),))
    assert [str(p) for p in problems] == [
        "deck.yaml:5:5: error: 'exclude' names 'Resorces', but no heading, bold label or list item of plan.md has "
        "that title or label (did you mean 'Resources'?)"
    ]
    curriculum, problems = parse_curriculum(text, "plan.md", exclude=(("Phase 1", where),))
    assert curriculum.nodes == () and "no phases found" in problems[0].message


def test_the_cache_keeps_the_link_items_left_out() -> None:
    curriculum, problems = parse_curriculum("## Phase 1\n- [x](https://x.example)\n- a\n", "plan.md")
    assert decode(encode(curriculum, problems)) == (curriculum, problems)
    assert decode(encode(curriculum, problems))[0].links == (Location("plan.md", 2, 1),)
