from __future__ import annotations

import textwrap

from cardsmith.assemble import link, resolve_topic
from cardsmith.curriculum import parse_curriculum
from cardsmith.errors import Location
from cardsmith.model import CardType, Curriculum, Question

PLAN = textwrap.dedent(
    """\
    ## Фаза 1: Основы Python (4-6 недель)
    ### Неделя 1-2: Базовый синтаксис
    - **Структуры данных**
      - Списки: создание, индексация, срезы, методы
      - Словари: ключи, значения
    - **FastAPI (рекомендуемый для начинающих)**
      - Установка
    ## Фаза 2: DevOps
    ### Неделя 23: CI/CD
    - **Основы CI/CD**
      - GitHub Actions / GitLab CI
    - **Списки**
      - Списки: другие
    ## Проекты
    - Менеджер задач
    """
)


def plan() -> Curriculum:
    curriculum, problems = parse_curriculum(PLAN, "c.md")
    assert problems == []
    return curriculum


def titles(curriculum: Curriculum, topic: str) -> list[str]:
    found, why = resolve_topic(curriculum, topic)
    return [curriculum.nodes[i].title for i in found] or [why]


def q(card_id: str, topic: str, line: int = 1, **kwargs: object) -> Question:
    return Question(
        id=card_id,
        type=kwargs.pop("type", CardType.BASIC),  # type: ignore[arg-type]
        topic=topic,
        location=Location(kwargs.pop("path", "q.yaml"), line, 5),  # type: ignore[arg-type]
        topic_location=Location("q.yaml", line, 12),
        q="x",
        a="y",
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_segment_may_be_the_title_its_label_or_the_title_without_parenthetical() -> None:
    curriculum = plan()
    assert titles(curriculum, "Фаза 1 / Неделя 1-2 / Структуры данных / Списки") == [
        "Списки: создание, индексация, срезы, методы"
    ]
    assert titles(
        curriculum, "Фаза 1: Основы Python (4-6 недель) / Неделя 1-2: Базовый синтаксис / Структуры данных"
    ) == ["Структуры данных"]
    assert titles(curriculum, "Фаза 1: Основы Python / Неделя 1-2 / FastAPI / Установка") == ["Установка"]


def test_a_title_that_contains_a_slash_still_resolves() -> None:
    assert titles(plan(), "Фаза 2 / Неделя 23 / Основы CI/CD / GitHub Actions / GitLab CI") == [
        "GitHub Actions / GitLab CI"
    ]


def test_an_unknown_segment_gets_the_closest_titles() -> None:
    assert titles(plan(), "Фаза 1 / Неделя 1-2 / Структуры данных / Слвари") == [
        "no topic 'Слвари' under 'Фаза 1 / Неделя 1-2 / Структуры данных'; closest: 'Словари: ключи, значения'"
    ]


def test_linking_reports_unknown_ambiguous_and_non_phase_topics() -> None:
    curriculum = plan()
    cards, problems = link(
        curriculum,
        [
            q("ok", "Фаза 1 / Неделя 1-2 / Структуры данных / Списки", 1),
            q("typo", "Фаза 3 / x", 2),
            q("project", "Проекты / Менеджер задач", 3),
        ],
    )
    assert [c.question.id for c in cards] == ["ok"]
    assert [str(p) for p in problems] == [
        "q.yaml:2:12: error: unknown topic 'Фаза 3 / x': no topic 'Фаза 3'; closest: 'Фаза 2: DevOps', 'Фаза 1: Основы Python (4-6 недель)'",
        "q.yaml:3:12: error: topic 'Проекты / Менеджер задач' is in 'Проекты', which is not a phase; attach cards "
        "to a phase, or list the section under 'sections:' in deck.yaml to make it a deck",
    ]


def test_duplicate_ids_across_files_name_both_places() -> None:
    topic = "Фаза 1 / Неделя 1-2 / Структуры данных"
    _, problems = link(plan(), [q("same", topic, 4, path="a.yaml"), q("same", topic, 9, path="b.yaml")])
    assert [str(p) for p in problems] == [  # at both: the one just added may be either
        "a.yaml:4:5: error: duplicate card id 'same', also used at b.yaml:9:5; ids must be unique in the deck",
        "b.yaml:9:5: error: duplicate card id 'same', also used at a.yaml:4:5; ids must be unique in the deck",
    ]
    assert link(plan(), [q("same", topic, 4, path="a.yaml"), q("other", topic, 9, path="b.yaml")])[1] == []


def test_an_old_id_in_was_may_not_be_reused() -> None:
    topic = "Фаза 1 / Неделя 1-2 / Структуры данных"
    _, problems = link(plan(), [q("new-name", topic, 1, was=("old",)), q("old", topic, 7)])
    assert [str(p) for p in problems] == [
        "q.yaml:1:5: error: duplicate old id in 'was' 'old', also used at q.yaml:7:5; ids must be unique in the deck",
        "q.yaml:7:5: error: duplicate card id 'old', also used at q.yaml:1:5; ids must be unique in the deck",
    ]


def cloze(text: str) -> list[str]:
    question = Question(
        id="c",
        type=CardType.CLOZE,
        topic="Фаза 1",
        location=Location("q.yaml", 3, 5),
        topic_location=Location("q.yaml", 1, 1),
        text=text,
    )
    return [str(p) for p in link(plan(), [question])[1]]


def test_cloze_needs_a_deletion_numbers_without_gaps_and_closed_braces() -> None:
    assert cloze("{{c1::a}} and {{c2::b::hint}}") == []
    assert cloze("`{'a': {'b': 1}}` is {{c1::a dict}}") == []
    assert cloze("no deletion") == ["q.yaml:3:5: error: cloze card 'c' has no deletion; mark one like {{c1::answer}}"]
    assert cloze("{{c1::a}} {{c3::b}}") == [
        "q.yaml:3:5: error: cloze card 'c' skips c2; number deletions from c1 without gaps"
    ]
    assert cloze("{{c1::a} and more") == ["q.yaml:3:5: error: cloze card 'c' has a '{{c…::' without its closing '}}'"]


def test_a_double_colon_in_code_inside_a_deletion_is_flagged_as_a_hidden_hint() -> None:
    assert cloze("{{c1::`std::vector`}}") == [
        "q.yaml:3:5: warning: cloze card 'c': Anki reads the '::' in '`std::vector`' as the start of a hint, "
        "so the answer is cut there; put the '::' outside the deletion or reword it"
    ]
    assert cloze("{{c1::`list`::тип}}") == []  # a real hint after the code
