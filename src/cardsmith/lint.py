"""Card-quality warnings for `cardsmith check` (pure): what makes a card hard to learn or wrong to trust.

Each warning has a short name that an author can switch off for one card (`allow: [long-answer]`)
or for the whole deck (`allow:` in deck.yaml). Every message ends with its name in brackets, as
a compiler names its warnings: `… move the why into 'extra' [long-answer]`.

The checks run on every `prepare` (build, check and status, so after every edit), so each costs
little: a card is looked at once, with a quick test (a count, a length, a substring) before any
regular expression, and near-duplicates are found without comparing every pair of cards: only
questions with the same code blocks are compared, and among those only the ones that share one of
their rarest words (prefix filtering), at most CANDIDATES of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence

from cardsmith.errors import warning
from cardsmith.model import Card, CardType, Problem, Question

NAMES = (
    "long-answer",  # an answer much longer than a recall answer should be (words outside code)
    "gives-away",  # a reversed card whose one side gives the other away (the term, or its initials)
    "answer-in-question",  # a question, or a cloze card, that shows its own answer
    "code-language",  # a fenced code block with no language
    "type-in-markup",  # a type-in answer with Markdown in it, which the learner would have to type
    "near-duplicate",  # two questions that say nearly the same
)

# The thresholds, tuned on the shipped deck (README, "Card-quality warnings").
LONG_ANSWER = 30  # words outside code in an answer: more is an explanation, not something to recall
SHORT_ANSWER = 4  # words: an answer this short (of 3 characters or more, with a letter) is looked for in its question
TERM = 40  # characters: a reversed card's question this short is a term, looked for in its answer
NEAR = 0.8  # Jaccard similarity of the words of two questions with the same code blocks, or none
NEAR_SAME_CODE = 0.5  # the same, for two questions that show the same code of SAME_CODE characters or more
SAME_CODE = 20
SHOWN = 3  # near-duplicates named in one message
CANDIDATES = 32  # earlier questions a question is compared with at most: the bound on the work per card

_WORD = re.compile(r"\w+")
_CHUNK = re.compile(r"\S*\w\S*")  # a word as counted in an answer: between spaces, with a letter or digit
_SPAN = re.compile(r"``(.+?)``|`([^`]+)`", re.DOTALL)  # a code span (one or two backticks)
_CLOZE = re.compile(r"\{\{c\d+::|::[^{}:]*\}\}|\}\}")  # a cloze's marks and hints
# A deletion with none inside: its number, its answer, its hint.
_DELETION = re.compile(r"\{\{c(\d+)::((?:(?!\}\}|::|\{\{).)*)(?:::(?:(?!\}\}|\{\{).)*)?\}\}", re.DOTALL)
# Markdown in a type-in answer: a code span mark, strong text, a link.
_TYPED_MARKUP = re.compile(r"`|\*\*\S(?:.*?\S)?\*\*|\[[^\]]+\]\(")
_QUALIFIER = re.compile(r"\s*\([^()]*\)$")  # a parenthesis at the end
_QUOTES = "\"'«»“”"
_STOPS = ".,;:!?…"

# A text with its fenced blocks taken out (see _blocks): the text around them, the blocks, their info strings.
Blocks = tuple[str, list[str], list[str]]


# --- Reading Markdown, quickly -----------------------------------------------------------------


def _fence_lines(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Each line that may open or close a fenced block: where it starts and ends, its run of ``` or
    ~~~, and the rest of the line (found with str.find, quicker than a pattern tried at every line)."""
    at, end = 0, len(text)
    tildes = "~~~" in text
    while True:
        found = text.find("```", at)
        if tildes:
            other = text.find("~~~", at)
            found = other if found < 0 or 0 <= other < found else found
        if found < 0:
            return
        start = found
        while start and text[start - 1] in " \t":
            start -= 1
        after = found + 3
        while after < end and text[after] == text[found]:
            after += 1
        stop = text.find("\n", after)
        stop = end if stop < 0 else stop
        if not start or text[start - 1] == "\n":  # nothing but indentation before it
            yield start, stop, text[found:after], text[after:stop]
        at = stop


def _blocks(text: str) -> Blocks:
    """A Markdown text's fenced blocks taken out: the text around them, the blocks, and each block's
    info string (its language)."""
    if "```" not in text and "~~~" not in text:
        return text, [], []
    prose: list[str] = []
    blocks: list[str] = []
    infos: list[str] = []
    after = 0  # where the text after the last block starts
    fence = ""  # the open fence
    for start, stop, mark, rest in _fence_lines(text):
        if not fence:
            if mark[0] == "`" and "`" in rest:
                continue  # not a fence (CommonMark): a code span at the start of a line
            fence = mark
            infos.append(rest.strip())
            prose.append(text[after:start])
            after = stop + 1
        elif mark[0] == fence[0] and len(mark) >= len(fence) and not rest.strip():
            blocks.append(text[after:start])
            fence = ""
            after = stop
    if fence:
        blocks.append(text[after:])
    else:
        prose.append(text[after:])
    return "".join(prose), blocks, infos


def _spans(text: str) -> tuple[str, list[str]]:
    """The code spans of a text without fenced blocks taken out: the text around them, and the spans."""
    if "`" not in text:
        return text, []
    return _SPAN.sub(" ", text), [double or single for double, single in _SPAN.findall(text)]


def _prose(text: str) -> str:
    """The text outside code."""
    return _spans(_blocks(text)[0])[0]


def _plain(text: str, *, fold: bool = True) -> str:
    """Text as read, for comparing: no code or strong marks, one space between words, no quotes or
    full stop around it, letter case folded (unless not `fold`)."""
    text = " ".join(text.replace("`", "").replace("**", "").split()).strip(_QUOTES).rstrip(_STOPS)
    return text.casefold().replace("ё", "е") if fold else text


def _contains(text: str, part: str) -> bool:
    """Whether `part` occurs in `text` as whole words (not inside a longer word)."""
    at = text.find(part)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(part)] if at + len(part) < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        at = text.find(part, at + 1)
    return False


def _spells(words: Sequence[str], acronym: str) -> bool:
    """Whether the initials of a run of words spell the acronym: "Hypermedia as the Engine of
    Application State" spells HATEOAS; a long word may give its first two letters ("REpresentational
    State Transfer") and a short word between may give none ("Create, Read, Update and Delete")."""
    term = acronym.casefold()
    folded = [word.casefold() for word in words[:200]]  # a side longer than that is long-answer already
    for start, first in enumerate(folded):
        if first[:1] != term[:1]:
            continue
        stop = min(len(folded), start + 2 * len(term))  # a run of words no longer than that
        states = {(start, 0, 0)}  # the next word, how many letters are spelt, how many words gave them (2: more)
        while states:
            following = set()
            for word, letter, used in states:
                if letter == len(term):
                    if used == 2:
                        return True
                    continue
                if word == stop:
                    continue
                current = folded[word]
                for take in (1, 2) if len(current) > 3 else (1,):
                    if term.startswith(current[:take], letter):
                        following.add((word + 1, letter + take, min(used + 1, 2)))
                if used and len(current) <= 3:
                    following.add((word + 1, letter, used))
            states = following
    return False


def _acronym(text: str) -> str:
    """A side that is one acronym, two to ten letters with two capitals or more (ORM, HATEOAS), else ""."""
    plain = text.replace("`", "").replace("**", "").strip().strip(_QUOTES).rstrip(_STOPS)
    return plain if 2 <= len(plain) <= 10 and plain.isalpha() and sum(c.isupper() for c in plain) >= 2 else ""


def _bare_fences(text: str) -> int:
    """How many fenced blocks of a text have no language."""
    if (
        "~~~" not in text
        and "``` " not in text
        and "```\t" not in text
        and text.count("```") == 2 * (text.count("```\n") + text.endswith("```"))
    ):
        return 0  # quick: every block is ```lang … ```, each opened with a language and closed bare
    return _blocks(text)[2].count("")


# --- One card at a time -------------------------------------------------------------------------


def _long_answer(question: Question, key: str, text: str) -> list[Problem]:
    words = len(_CHUNK.findall(_prose(text)))
    if words <= LONG_ANSWER:
        return []
    side = "the answer" if key == "a" else "the question (the answer of the reverse card)"
    return [
        warning(
            question.where(key),
            f"{side} has {words} words outside code; a recall answer is best at {LONG_ANSWER} or fewer: "
            "split the card, or move the why into 'extra' [long-answer]",
        )
    ]


def _gives_away(question: Question) -> list[Problem]:
    """A reversed card also shows `a` and asks for `q`: neither side may give the other away.

    The reverse card fails when `a` contains `q`'s term or its initials spell it (q: HATEOAS,
    a: "Hypermedia as the Engine of Application State …"); the card itself when `q`'s initials
    spell `a`. (`q` containing `a` is answer-in-question.)
    """
    term = _QUALIFIER.sub("", _plain(question.q))  # "Cache-aside (lazy loading)": the term is Cache-aside
    if 3 <= len(term) <= TERM and "\n" not in question.q and _contains(_plain(question.a), term):
        key, why = "a", f"contains the term it asks for ('{question.q.strip()}')"
    elif (acronym := _acronym(question.q)) and _spells(_WORD.findall(_prose(question.a)), acronym):
        key, why = "a", f"spells with its initials the acronym it asks for ('{acronym}')"
    elif (acronym := _acronym(question.a)) and _spells(_WORD.findall(_prose(question.q)), acronym):
        key, why = "q", f"spells with its initials the acronym it asks for ('{acronym}')"
    else:
        return []
    side = "the answer, shown as the question of the reverse card," if key == "a" else "the question"
    return [
        warning(
            question.where(key),
            f"{side} {why}: the learner reads it off instead of recalling it; "
            "move the giveaway into 'extra' [gives-away]",
        )
    ]


def _answer_in_question(question: Question) -> list[Problem]:
    """A short answer (3 characters or more, with a letter) is among the question's words outside code."""
    answer = _plain(question.a)
    if len(answer) < 3 or len(answer.split()) > SHORT_ANSWER or not any(c.isalpha() for c in answer):
        return []
    if answer.split(" ", 1)[0] not in question.q.casefold().replace("ё", "е"):  # quick: not even its first word
        return []
    if not _contains(_plain(_prose(question.q)), answer):
        return []
    return [
        warning(
            question.where("q"),
            f"the question contains its own answer ('{question.a.strip()}'): ask without it [answer-in-question]",
        )
    ]


def _cloze_shows_answer(question: Question) -> list[Problem]:
    """A cloze shows what one of its deletions hides: that deletion's card answers itself."""
    text = question.text
    folded = text.casefold().replace("ё", "е")
    found = []
    for number, hidden in dict.fromkeys(_DELETION.findall(text)):
        answer = _plain(hidden)
        if len(answer) < 3 or not any(c.isalpha() for c in answer) or folded.count(answer) < 2:
            continue  # quick: written only once, inside its own deletion
        shown = _DELETION.sub(lambda deletion: " " if deletion[1] == number else deletion[2], text)  # noqa: B023
        if "`" in hidden:  # code: letter case matters (`PORT` is not in `--port`)
            answer, shown = _plain(hidden, fold=False), _plain(shown, fold=False)
        else:
            shown = _plain(shown)
        if _contains(shown, answer):
            found.append(f"c{number} ('{hidden.strip()}')")
    if not found:
        return []
    return [
        warning(
            question.where("text"),
            f"the text shows what a deletion hides, so its card answers itself: {', '.join(found)}; "
            "hide it everywhere (the same cN) or reword [answer-in-question]",
        )
    ]


def _code_language(question: Question, key: str, bare: int) -> Problem:
    blocks = "a fenced code block has" if bare == 1 else f"{bare} fenced code blocks have"
    return warning(
        question.where(key),
        f"{blocks} no language, so it is not highlighted: write one after the fence, "
        "e.g. ```python (```text for plain text) [code-language]",
    )


def _type_in_markup(question: Question) -> list[Problem]:
    if not _TYPED_MARKUP.search(question.a):
        return []
    return [
        warning(
            question.where("a"),
            "a type-in answer is compared with what the learner types, character for character, and is not "
            "Markdown: the learner would have to type the ` or ** too [type-in-markup]",
        )
    ]


def _card(question: Question, off: frozenset[str]) -> list[Problem]:
    """The warnings of one card; each check starts with a quick test that most cards fail."""
    found: list[Problem] = []
    kind, q, a = question.type, question.q, question.a
    if kind is not CardType.CLOZE:
        if a.count(" ") + a.count("\n") >= LONG_ANSWER and "long-answer" not in off:  # else too few words
            found += _long_answer(question, "a", a)
        if kind is CardType.REVERSED:
            if q.count(" ") + q.count("\n") >= LONG_ANSWER and "long-answer" not in off:
                found += _long_answer(question, "q", q)
            if "gives-away" not in off:
                found += _gives_away(question)
        if a.count(" ") < SHORT_ANSWER and "answer-in-question" not in off and "\n" not in a:
            found += _answer_in_question(question)
        if kind is CardType.TYPE_IN and "type-in-markup" not in off:
            found += _type_in_markup(question)
    elif "answer-in-question" not in off:
        found += _cloze_shows_answer(question)
    if "code-language" not in off:
        for key, text in (("q", q), ("a", a), ("text", question.text), ("extra", question.extra)):
            if "```" in text or "~~~" in text:
                bare = _bare_fences(text)
                if bare:
                    found.append(_code_language(question, key, bare))
    return found


# --- Across the deck ---------------------------------------------------------------------------


def _code_of(text: str) -> tuple[str, int, int]:
    """A question's code, for grouping: everything from its first fence to its last, as written (with
    ~~~ fences, its blocks); and where that starts and ends."""
    first = text.find("```")
    if first >= 0:
        last = text.rfind("```") + 3
        return text[first:last], first, last
    if "~~~" in text:
        return "\n".join(_blocks(text)[1]), 0, 0
    return "", 0, 0


def _words(text: str) -> frozenset[str]:
    """The words of a text without code blocks (letter case aside), each code span one word."""
    prose, spans = _spans(text)
    words = _WORD.findall(prose.casefold().replace("ё", "е"))
    return frozenset(words + ["`" + "".join(span.split()) for span in spans])


def _similar(members: list[int], words: list[frozenset[str]], near: float) -> list[tuple[int, int]]:
    """The pairs of questions (earlier, later) whose sets of words have a Jaccard similarity of `near` or more.

    Prefix filtering: with each set's words in one order, rarest first, two sets that share `near`
    of their words share one among the first len - ceil(near * len) + 1 words of each. Only those
    words are indexed and looked up, so a question meets only the few that share a rare word with
    it, and at most CANDIDATES of them.
    """
    frequency: dict[str, int] = {}
    for index in members:
        for word in words[index]:
            frequency[word] = frequency.get(word, 0) + 1
    postings: dict[str, list[int]] = {}
    pairs = []
    for index in members:
        mine = words[index]
        if mine:
            ordered = sorted(mine, key=lambda word: (frequency[word], word))
            prefix = ordered[: len(ordered) - math.ceil(near * len(ordered)) + 1]
        else:
            prefix = [""]  # no words: the same code is the same question
        seen: dict[int, None] = {}
        for word in prefix:
            for other in postings.get(word, [])[-CANDIDATES:]:
                seen[other] = None
            if len(seen) >= CANDIDATES:
                break
        for other in seen:
            theirs = words[other]
            union = len(mine | theirs)
            if not union or len(mine & theirs) >= near * union:
                pairs.append((other, index))
        for word in prefix:
            postings.setdefault(word, []).append(index)
    return pairs


def _near_duplicates(questions: Sequence[Question]) -> list[Problem]:
    groups: dict[str, list[int]] = {}  # code -> the questions that show it
    texts: list[str] = []
    for index, question in enumerate(questions):
        text = _CLOZE.sub(" ", question.text) if question.type is CardType.CLOZE else question.q
        texts.append(text)
        groups.setdefault(_code_of(text)[0], []).append(index)
    words: list[frozenset[str]] = [frozenset()] * len(questions)  # only of the questions that share code
    near: dict[int, list[int]] = {}
    for code, members in groups.items():
        if len(members) < 2:
            continue
        for index in members:
            text = texts[index]
            _, start, end = _code_of(text)
            words[index] = _words(text[:start] + " " + text[end:] if end else _blocks(text)[0])
        for first, second in _similar(members, words, NEAR_SAME_CODE if len(code) >= SAME_CODE else NEAR):
            if code or words[first]:  # two questions with neither code nor words are not alike
                near.setdefault(first, []).append(second)
                near.setdefault(second, []).append(first)
    problems = []
    for index, alike in sorted(near.items()):
        question = questions[index]
        if "near-duplicate" in question.allow:
            continue
        places = {other: questions[other].location for other in alike}
        others = sorted(places, key=lambda other: (places[other].path, places[other].line, places[other].col))
        named = ", ".join(f"'{questions[i].id}' ({questions[i].location})" for i in others[:SHOWN])
        more = f" and {len(others) - SHOWN} more" if len(others) > SHOWN else ""
        problems.append(
            warning(
                question.where("text" if question.type is CardType.CLOZE else "q"),
                f"nearly the same question as {named}{more}: learning both is learning one thing twice; "
                "merge them, or make them differ [near-duplicate]",
            )
        )
    return problems


def lint(cards: Iterable[Card], allowed: Iterable[str] = ()) -> list[Problem]:
    """Every card-quality warning of the deck but those switched off in deck.yaml (`allowed`) or by the card."""
    off = frozenset(allowed)
    questions = [card.question for card in cards]
    problems: list[Problem] = []
    for question in questions:
        problems += _card(question, off.union(question.allow) if question.allow else off)
    if "near-duplicate" not in off:
        problems += _near_duplicates(questions)
    return problems
