from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cardsmith.curriculum import aliases, parse_curriculum
from cardsmith.model import Curriculum, Kind

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
        "(Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part); set phase_word in deck.yaml to the word your "
        "plan uses"
    ]
    assert curriculum.phases == ()
    _, problems = parse_curriculum("# Plan\n\n## Intro\n- a\n", "plan.md", phase_word="Этап")
    assert [str(p) for p in problems] == [
        "plan.md:1:1: error: no phases found: a phase is a '## ' heading whose title starts with 'Этап' "
        "(the phase_word setting in deck.yaml)"
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
