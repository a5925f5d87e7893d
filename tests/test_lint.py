"""Card-quality warnings (lint.py): each fires on a real mistake and not on its near miss, and can be allowed."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsmith import lint as lint_module
from cardsmith import sources
from cardsmith.cli import cli
from cardsmith.config import parse_config
from cardsmith.lint import LONG_ANSWER, NAMES, lint
from cardsmith.model import Card, CardType, Location, Question
from cardsmith.project import load_project
from conftest import FIXTURES, NOW, ROOT, edit

BASIC, REVERSED, CLOZE, TYPE_IN = CardType.BASIC, CardType.REVERSED, CardType.CLOZE, CardType.TYPE_IN


def card(
    card_id: str,
    q: str = "",
    a: str = "",
    *,
    kind: CardType = BASIC,
    text: str = "",
    extra: str = "",
    allow: tuple[str, ...] = (),
    line: int = 1,
) -> Card:
    """A card written at `line` of q.yaml: `q` (or `text`) on the next line, `a` below it, `extra` below that."""
    positions = f"q {line + 1} 8;text {line + 1} 11;a {line + 2} 8;extra {line + 3} 12"
    question = Question(
        card_id,
        kind,
        "t",
        Location("q.yaml", line, 5),
        Location("q.yaml", 1, 1),
        q=q,
        a=a,
        text=text,
        extra=extra,
        positions=positions,
        allow=allow,
    )
    return Card(question, 0)


def found(*cards: Card, allowed: tuple[str, ...] = ()) -> list[str]:
    return [str(problem) for problem in lint(cards, allowed)]


def names(*cards: Card, allowed: tuple[str, ...] = ()) -> list[str]:
    """The name of each warning, from the end of its message."""
    return [problem.message.rsplit("[", 1)[1].rstrip("]") for problem in lint(cards, allowed)]


# --- long-answer ---------------------------------------------------------------------------------


def test_an_answer_over_the_limit_of_words_outside_code_is_a_long_answer() -> None:
    long = " ".join(["слово"] * (LONG_ANSWER + 1))
    assert found(card("long", "Вопрос?", long)) == [
        f"q.yaml:3:8: warning: the answer has {LONG_ANSWER + 1} words outside code; a recall answer is best at "
        f"{LONG_ANSWER} or fewer: split the card, or move the why into 'extra' [long-answer]"
    ]
    assert found(card("limit", "Вопрос?", " ".join(["слово"] * LONG_ANSWER))) == []


def test_code_and_extra_do_not_count_towards_a_long_answer() -> None:
    code = "\n".join(f"x{i} = {i}  # строка кода номер {i}" for i in range(20))
    answer = f"Печатает `{' '.join(['a'] * 40)}` и всё.\n\n```python\n{code}\n```"
    explanation = " ".join(["почему"] * 100)
    assert found(card("code", "Что делает код?", answer, extra=explanation)) == []


def test_the_question_of_a_reversed_card_is_an_answer_too() -> None:
    definition = " ".join(["определение"] * (LONG_ANSWER + 5))
    assert names(card("rev", definition, "`term`", kind=REVERSED)) == ["long-answer"]
    assert names(card("basic", definition, "`term`")) == []


# --- gives-away ----------------------------------------------------------------------------------


def test_a_reversed_answer_whose_initials_spell_the_term_gives_the_reverse_card_away() -> None:
    # The HATEOAS card as first written: the reverse card shows the expansion and asks for HATEOAS.
    hateoas = card(
        "hateoas-acronym",
        "HATEOAS",
        "Hypermedia as the Engine of Application State — клиент переходит между состояниями приложения "
        "по ссылкам из ответов сервера",
        kind=REVERSED,
    )
    assert found(hateoas) == [
        "q.yaml:3:8: warning: the answer, shown as the question of the reverse card, spells with its initials the "
        "acronym it asks for ('HATEOAS'): the learner reads it off instead of recalling it; move the giveaway "
        "into 'extra' [gives-away]"
    ]
    # As the deck has it now: the expansion in extra, which the reverse card shows only with its answer.
    fixed = card(
        "hateoas-acronym",
        "HATEOAS",
        "Принцип REST, по которому сервер кладёт в ответы ссылки на доступные сейчас действия",
        kind=REVERSED,
        extra="Расшифровка — Hypermedia as the Engine of Application State.",
    )
    assert found(fixed) == []


@pytest.mark.parametrize(
    ("q", "a", "where"),
    [
        ("CRUD", "Create, Read, Update and Delete: четыре операции над ресурсом", 3),  # a short word gives no letter
        ("REST", "Representational State Transfer — архитектурный стиль", 3),  # a long word gives two
        ("CSRF", "Cross-Site Request Forgery: чужой сайт шлёт запрос с cookie пользователя", 3),
        ("Object-Relational Mapping", "ORM", 2),  # the other way: the card itself gives its answer away
        ("Idempotency-Key", "Заголовок `Idempotency-Key`: повтор с тем же ключом не создаёт второй платёж", 3),
    ],
)
def test_a_reversed_card_gives_away_a_term_its_other_side_contains_or_spells(q: str, a: str, where: int) -> None:
    problems = lint([card("r", q, a, kind=REVERSED)])
    assert [(p.location.line, p.message.endswith("[gives-away]")) for p in problems] == [(where, True)]


@pytest.mark.parametrize(
    ("q", "a", "kind"),
    [
        ("HATEOAS", "Hypermedia as the Engine of Application State", BASIC),  # a basic card asks for the expansion
        ("API", "Интерфейс, через который программы обращаются друг к другу", REVERSED),
        ("GIL", "Global lock of the Interpreter", REVERSED),  # the initials, but not in order
        ("Идемпотентный HTTP-метод", "Метод, для которого N одинаковых запросов действуют как один", REVERSED),
        ("`GET`", "Безопасный метод HTTP без тела запроса для чтения ресурса", REVERSED),
    ],
)
def test_near_misses_do_not_give_away(q: str, a: str, kind: CardType) -> None:
    assert found(card("r", q, a, kind=kind)) == []


# --- answer-in-question --------------------------------------------------------------------------


def test_a_question_that_contains_its_answer() -> None:
    either = card("either", "Какой метод идемпотентен, POST или PUT?", "PUT.")
    assert found(either) == [
        "q.yaml:2:8: warning: the question contains its own answer ('PUT.'): ask without it [answer-in-question]"
    ]


@pytest.mark.parametrize(
    ("q", "a"),
    [
        ('Что выведет код?\n```python\nprint("no even")\n```', "`no even`"),  # in the code, as it must be
        ("Что вернёт `x or 'None'`, если `x` пуст?", "`'None'`"),  # in a code span
        ("Порт 8080 открыт снаружи, 8000 внутри: на какой порт идти с хоста?", "8080"),  # no letter
        ("Может ли имя переменной начинаться с цифры?", "Нет."),
        ("Какой код ответа означает «создано»?", "201"),
        ("Что такое PUTS в Ruby?", "PUT"),  # inside a longer word
    ],
)
def test_near_misses_of_an_answer_in_the_question(q: str, a: str) -> None:
    assert found(card("c", q, a)) == []


def test_a_cloze_that_shows_what_a_deletion_hides() -> None:
    shown = card("broker", kind=CLOZE, text="URL брокера для Redis — `{{c1::redis}}://localhost:6379/0`")
    assert found(shown) == [
        "q.yaml:2:11: warning: the text shows what a deletion hides, so its card answers itself: c1 ('redis'); "
        "hide it everywhere (the same cN) or reword [answer-in-question]"
    ]
    hidden = card("broker", kind=CLOZE, text="URL брокера для {{c1::Redis}} — `{{c1::redis}}://localhost:6379/0`")
    other = card("broker", kind=CLOZE, text="{{c1::Redis}} и {{c2::RabbitMQ}} — брокеры Celery")
    assert found(hidden, other) == []


def test_a_deletion_of_code_is_looked_for_in_its_letter_case() -> None:
    # The PaaS card: the variable `PORT` is not the option `--port`, but it is `PORT` in prose.
    flag = card("paas", kind=CLOZE, text="Порт приходит в {{c1::`PORT`}}: слушайте `--port` {{c1::`$PORT`}}")
    assert found(flag) == []
    shown = card("paas", kind=CLOZE, text="Порт приходит в {{c1::`PORT`}}: слушайте `--port $PORT`")
    assert names(shown) == ["answer-in-question"]
    prose = card("redis", kind=CLOZE, text="{{c1::Redis}} хранит данные в памяти; redis-server — его сервер")
    assert names(prose) == ["answer-in-question"]


# --- code-language -------------------------------------------------------------------------------


def test_a_fenced_block_without_a_language() -> None:
    bare = card("bare", "Что выведет код?\n```\nprint(1)\n```", "`1`", extra="~~~\nа так\n~~~\n\n```\nи так\n```")
    assert found(bare) == [
        "q.yaml:2:8: warning: a fenced code block has no language, so it is not highlighted: write one after the "
        "fence, e.g. ```python (```text for plain text) [code-language]",
        "q.yaml:4:12: warning: 2 fenced code blocks have no language, so it is not highlighted: write one after the "
        "fence, e.g. ```python (```text for plain text) [code-language]",
    ]
    cloze = card("cl", kind=CLOZE, text="Код:\n\n  ```\n  x = {{c1::1}}\n  ```")
    assert names(cloze) == ["code-language"]


def test_fenced_blocks_with_a_language_are_fine() -> None:
    blocks = "```python\nprint(1)\n```\n\nи\n\n````text\n```\nвнутри\n```\n````\n\n~~~ sql\nSELECT 1;\n~~~"
    assert found(card("ok", "Код:\n" + blocks, "`1` — ```` ``` ```` в тексте", extra="```py\nx\n```")) == []


# --- type-in-markup ------------------------------------------------------------------------------


def test_markdown_in_a_type_in_answer() -> None:
    assert found(card("typed", "Метод?", "`append`", kind=TYPE_IN)) == [
        "q.yaml:3:8: warning: a type-in answer is compared with what the learner types, character for character, "
        "and is not Markdown: the learner would have to type the ` or ** too [type-in-markup]"
    ]
    assert names(card("bold", "Метод?", "**append**", kind=TYPE_IN)) == ["type-in-markup"]
    assert names(card("basic", "Метод?", "`append`")) == []


@pytest.mark.parametrize("answer", ["**kwargs", "__init__", "a * b ** 2", "_User__secret", "[1, 2]", "2 ** 10"])
def test_python_in_a_type_in_answer_is_not_markdown(answer: str) -> None:
    assert found(card("typed", "Что?", answer, kind=TYPE_IN)) == []


def test_the_cli_reports_markdown_in_a_type_in_answer_and_keeps_the_card(mini: Path) -> None:
    edit(mini / "questions" / "phase-2.yaml", 'a: "201"', 'a: "`201`"')
    code, out, err = run("check", "--cards", str(mini))
    assert code == 0 and out == "ok: 7 cards in 2 files.\n"
    assert err.endswith("the learner would have to type the ` or ** too [type-in-markup]\n")


# --- near-duplicate ------------------------------------------------------------------------------


def test_near_duplicates_are_reported_at_both_cards_each_naming_the_other() -> None:
    first = card("list-vs-tuple", "Чем list отличается от tuple?", "Изменяемостью.", line=10)
    second = card("tuple-vs-list", "Чем tuple отличается от list?", "Неизменяемостью.", line=20)
    assert found(first, second) == [
        "q.yaml:11:8: warning: nearly the same question as 'tuple-vs-list' (q.yaml:20:5): learning both is "
        "learning one thing twice; merge them, or make them differ [near-duplicate]",
        "q.yaml:21:8: warning: nearly the same question as 'list-vs-tuple' (q.yaml:10:5): learning both is "
        "learning one thing twice; merge them, or make them differ [near-duplicate]",
    ]


def test_near_duplicates_with_the_same_code_and_a_reworded_question() -> None:
    code = "```python\nitems = [3, 1, 2]\nprint(items.sort())\n```"
    same = (
        card("a", f"Что выведет код?\n{code}", "`None`", line=1),
        card("b", f"Что выведет этот код?\n{code}", "x", line=9),
    )
    assert names(*same) == ["near-duplicate", "near-duplicate"]
    other_code = card("c", "Что выведет код?\n```python\nprint(sorted([3, 1, 2]))\n```", "`[1, 2, 3]`", line=17)
    assert names(same[0], other_code) == []  # the same words about other code: another question
    cloze = card("d", kind=CLOZE, text="Чем {{c1::list}} отличается от {{c2::tuple}}?", line=25)
    assert names(card("e", "Чем list отличается от tuple?", "x", line=30), cloze) == ["near-duplicate"] * 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Что такое GIL?", "Что такое ORM?"),
        ("Какой код ответа означает «ресурс создан»?", "Какой код ответа означает «ресурс удалён»?"),
        ("Что вернёт `[1, 2, 3][1:]`?", "Что вернёт `[1, 2, 3][:1]`?"),  # a code span is one word
        ("Что выведет код?\n```python\nprint(1)\n```", "Что выведет код?\n```python\nprint(2)\n```"),
    ],
)
def test_near_misses_are_not_near_duplicates(first: str, second: str) -> None:
    assert found(card("a", first, "x", line=1), card("b", second, "y", line=9)) == []


def test_a_card_alike_to_many_names_three_and_counts_the_rest() -> None:
    cards = [card(f"c{i}", "Что такое замыкание в Python?", "x", line=10 * i) for i in range(1, 6)]
    messages = [problem.message for problem in lint(cards)]
    assert len(messages) == 5
    assert messages[0].startswith(
        "nearly the same question as 'c2' (q.yaml:20:5), 'c3' (q.yaml:30:5), 'c4' (q.yaml:40:5) and 1 more:"
    )


# --- allow ----------------------------------------------------------------------------------------

EVERY_WARNING = (
    card("long", "Вопрос?", " ".join(["слово"] * 50), line=1),
    card("gives", "HATEOAS", "Hypermedia as the Engine of Application State", kind=REVERSED, line=10),
    card("in-q", "Какой метод идемпотентен, POST или PUT?", "PUT", line=20),
    card("fence", "Код?\n```\nx\n```", "`x`", line=30),
    card("typed", "Метод?", "`append`", kind=TYPE_IN, line=40),
    card("dup-1", "Что такое замыкание в Python?", "x", line=50),
    card("dup-2", "Что такое замыкание в Python?", "y", line=60),
)


def test_each_warning_has_its_name_and_every_name_is_documented() -> None:
    assert sorted(set(names(*EVERY_WARNING))) == sorted(NAMES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Card-quality warnings", 1)[1].split("\n## ", 1)[0]
    for name in NAMES:
        assert f"| `{name}` |" in section, name


@pytest.mark.parametrize("name", NAMES)
def test_allow_switches_a_warning_off_for_the_deck(name: str) -> None:
    left = names(*EVERY_WARNING, allowed=(name,))
    assert name not in left and set(left) == set(NAMES) - {name}


@pytest.mark.parametrize("name", NAMES)
def test_allow_on_a_card_switches_a_warning_off_for_that_card_only(name: str) -> None:
    allowed = [Card(replace(c.question, allow=(name,)), c.node) for c in EVERY_WARNING]
    assert name not in names(*allowed)
    assert names(*EVERY_WARNING).count(name) >= 1


def test_near_duplicates_allowed_on_one_card_are_still_reported_at_the_other() -> None:
    first = card("a", "Что такое замыкание в Python?", "x", allow=("near-duplicate",), line=1)
    second = card("b", "Что такое замыкание в Python?", "y", line=9)
    assert found(first, second) == [
        "q.yaml:10:8: warning: nearly the same question as 'a' (q.yaml:1:5): learning both is learning one thing "
        "twice; merge them, or make them differ [near-duplicate]"
    ]


def test_deck_yaml_allow_is_a_list_of_known_names() -> None:
    text = "title: T\nid: t\nallow: [near-duplicate, long-answer]\n"
    config, problems = parse_config(sources.Text("deck.yaml", text), ("apkg",))
    assert problems == [] and config is not None and config.allow == ("near-duplicate", "long-answer")
    config, problems = parse_config(sources.Text("deck.yaml", "title: T\nid: t\nallow: near-duplicate\n"), ("apkg",))
    assert config is not None and config.allow == ("near-duplicate",)
    _, problems = parse_config(sources.Text("deck.yaml", "title: T\nid: t\nallow: [near-dupliate]\n"), ("apkg",))
    assert [str(p) for p in problems] == [
        "deck.yaml:3:9: error: unknown warning 'near-dupliate' (did you mean 'near-duplicate'?); known: "
        "long-answer, gives-away, answer-in-question, code-language, type-in-markup, near-duplicate"
    ]


# --- through the command line ---------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(NOW)})
    return result.exit_code, result.stdout, result.stderr


def test_the_mini_fixture_has_no_card_quality_warnings() -> None:
    project = load_project(FIXTURES / "mini")
    assert lint(project.cards, project.config.allow) == []


def test_check_strict_fails_on_a_card_quality_warning_and_passes_once_it_is_allowed(mini: Path) -> None:
    questions = mini / "questions" / "phase-1.yaml"
    edit(questions, "      ```python\n", "      ```\n")
    warning = (
        f"{questions}:18:8: warning: a fenced code block has no language, so it is not highlighted: write one after "
        "the fence, e.g. ```python (```text for plain text) [code-language]"
    )
    assert run("check", "--cards", str(mini)) == (0, "ok: 7 cards in 2 files.\n", warning + "\n")
    code, out, err = run("check", "--cards", str(mini), "--strict")
    assert (code, out, err) == (1, "", f"{warning}\n1 warning(s) and --strict.\n")
    edit(questions, '    a: "`9`"\n', '    a: "`9`"\n    allow: [code-language]\n')
    assert run("check", "--cards", str(mini), "--strict") == (0, "ok: 7 cards in 2 files.\n", "")


def test_build_strict_passes_with_the_warning_allowed_in_deck_yaml(mini: Path, tmp_path: Path) -> None:
    edit(mini / "questions" / "phase-1.yaml", "      ```python\n", "      ```\n")
    out = tmp_path / "decks"
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--strict")
    assert code == 1 and err.endswith("[code-language]\n1 warning(s) and --strict; nothing was written.\n")
    with (mini / "deck.yaml").open("a", encoding="utf-8") as deck:
        deck.write("allow: [code-language]\n")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--strict")
    assert (code, err) == (0, "")
    code, _, err = run("check", "--cards", str(mini), "--strict")
    assert (code, err) == (0, "")


# --- cost -------------------------------------------------------------------------------------------


class _Counted(frozenset[str]):
    """A question's words that count how often they are compared with another question's."""

    comparisons = 0

    def __and__(self, other: object) -> frozenset[str]:
        _Counted.comparisons += 1
        return frozenset(self) & other  # type: ignore[operator]


def test_near_duplicates_are_found_through_an_index_not_pair_by_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted, not timed: pair by pair, 5,000 cards are 12.5 million comparisons; through the index
    # each card meets at most CANDIDATES others.
    words = lint_module._words
    monkeypatch.setattr(lint_module, "_words", lambda text: _Counted(words(text)))
    rng = random.Random(7)
    vocabulary = [f"слово{i}" for i in range(3000)] + ["что", "как", "почему", "в", "и", "на", "python"]
    distinct = [
        card(f"q{i}", " ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 14))) + "?", "x", line=i)
        for i in range(5000)
    ]
    _Counted.comparisons = 0
    assert len(lint(distinct)) < 20  # random questions are rarely alike
    assert _Counted.comparisons <= 5000 * lint_module.CANDIDATES
    template = "Что выведет код, и почему? Вопрос номер {n} про `list`.\n```python\nprint(f{n}([1, 2, 3]))\n```"
    alike = [card(f"t{n}", template.format(n=n), "x", line=n) for n in range(5000)]  # a generated deck
    _Counted.comparisons = 0
    assert lint(alike) == []  # each shows other code: never compared
    assert _Counted.comparisons == 0
    same = [card(f"s{n}", "Что такое замыкание в Python?", "x", line=n) for n in range(5000)]  # the worst case
    _Counted.comparisons = 0
    problems = lint(same)
    assert len(problems) == 5000 and all(p.message.endswith("[near-duplicate]") for p in problems)
    assert _Counted.comparisons <= 5000 * lint_module.CANDIDATES
