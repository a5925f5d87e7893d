"""Link questions to curriculum topics and check the deck as a whole (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cardsmith import cloze
from cardsmith.curriculum import aliases
from cardsmith.errors import Location, Problem, error, has_errors, warning
from cardsmith.model import Card, CardType, Curriculum, Kind, Question, WrittenId
from cardsmith.suggest import closest

SEPARATOR = " / "


def resolve_topic(curriculum: Curriculum, topic: str) -> tuple[list[int], str]:
    """Node indices a topic path names (several when ambiguous), or [] and why not.

    A segment matches a title, its label before the colon, or the title without a trailing
    parenthetical. Titles may contain " / " themselves, so segments are joined greedily.
    """
    segments = [s.strip() for s in topic.strip().split(SEPARATOR)]
    if not topic.strip():
        return [], "the topic is empty"
    matches: list[int] = []
    best: tuple[int, int | None] = (0, None)  # how many segments resolved, and under which node

    def walk(parent: int | None, rest: list[str], done: int) -> None:
        nonlocal best
        if not rest:
            assert parent is not None
            matches.append(parent)
            return
        if done > best[0] or (done == best[0] and best[1] is None):
            best = (done, parent)
        kids = curriculum.children[parent] if parent is not None else curriculum.roots
        for kid in kids:
            names = aliases(curriculum.nodes[kid].title)
            for n in range(1, len(rest) + 1):
                if SEPARATOR.join(rest[:n]) in names:
                    walk(kid, rest[n:], done + n)

    walk(None, segments, 0)
    if matches:
        return sorted(set(matches)), ""
    loose = loose_match(curriculum, topic)
    if len(loose) == 1:
        path = SEPARATOR.join(n.title for n in curriculum.ancestors(loose[0]))
        return [], (
            f"no topic '{topic.strip()}'; did you mean '{path}'? (write ' / ' with spaces between the parts, "
            "and each title with its own letter case)"
        )
    done, parent = best
    kids = curriculum.children[parent] if parent is not None else curriculum.roots
    wanted = segments[done] if done < len(segments) else ""
    titles = [curriculum.nodes[k].title for k in kids]
    pool = {name: title for title in titles for name in aliases(title)}
    near = [pool[n] for n in closest(wanted, pool, n=3, cutoff=0.4)]
    near = list(dict.fromkeys(near)) or titles[:3]
    prefix = SEPARATOR.join(segments[:done])
    under = f" under '{prefix}'" if prefix else ""
    hint = "; closest: " + ", ".join(f"'{t}'" for t in near) if near else ""
    if "/" in wanted and SEPARATOR not in topic.strip():
        hint += "; the parts of a path are separated by ' / ', with a space on each side"
    return [], f"no topic '{wanted}'{under}{hint}"


def _loose(text: str) -> str:
    return re.sub(r"\s*/\s*", " / ", " ".join(text.split())).casefold()


def loose_match(curriculum: Curriculum, topic: str) -> list[int]:
    """Nodes a topic path names when spaces around '/' and letter case do not count."""
    segments = _loose(topic).split(SEPARATOR)
    found: list[int] = []

    def walk(parent: int | None, rest: list[str]) -> None:
        if not rest:
            if parent is not None:
                found.append(parent)
            return
        for kid in curriculum.children[parent] if parent is not None else curriculum.roots:
            names = {_loose(name) for name in aliases(curriculum.nodes[kid].title)}
            for n in range(1, len(rest) + 1):
                if SEPARATOR.join(rest[:n]) in names:
                    walk(kid, rest[n:])

    walk(None, segments)
    return sorted(set(found))


def written_ids(questions: Iterable[Question]) -> tuple[WrittenId, ...]:
    """The ids of cards without errors: their own, and the old ones in `was:`."""
    found = []
    for q in questions:
        found.append(WrittenId(q.id, "id", q.where("id")))
        found += [WrittenId(name, "was", q.where("was")) for name in q.was]
    return tuple(found)


def duplicates(ids: Iterable[WrittenId]) -> tuple[set[str], list[Problem]]:
    """Ids written more than once (as an id or in `was:`), each reported at every place it is written.

    Every place, because which card is the newcomer is not for cardsmith to guess: the one just
    added may come first or last.
    """
    places: dict[str, list[WrittenId]] = {}
    for written in ids:  # by letter case aside: Anki's search ("Card ID:x") does not tell them apart
        places.setdefault(written.name.casefold(), []).append(written)
    problems = []
    repeated: set[str] = set()
    for key in sorted(k for k, found in places.items() if len(found) > 1):
        repeated.update(w.name for w in places[key])
        for written in places[key]:
            others = [o for o in places[key] if o is not written]
            what = "card id" if written.key == "id" else "old id in 'was'"
            where = ", ".join(str(o.location) for o in others)
            if all(o.name == written.name for o in others):
                message = f"duplicate {what} '{written.name}', also used at {where}; ids must be unique in the deck"
            else:
                spelled = ", ".join(sorted({f"'{o.name}'" for o in others if o.name != written.name}))
                message = (
                    f"{what} '{written.name}' differs from {spelled} ({where}) only in letter case; Anki's search "
                    "finds both, so ids must differ in more than that"
                )
            problems.append(error(written.location, message))
    return repeated, problems


def link(
    curriculum: Curriculum, questions: Iterable[Question], ids: Iterable[WrittenId] | None = None
) -> tuple[tuple[Card, ...], list[Problem]]:
    """Attach each question to its topic; check ids, topics and clozes across the deck.

    `ids` are every id written in the question files, of cards with errors too (by default, the
    questions'). A card with any error is left out of the cards returned.
    """
    questions = tuple(questions)
    repeated, problems = duplicates(written_ids(questions) if ids is None else ids)
    cards: list[Card] = []
    resolved: dict[str, tuple[list[int], str]] = {}  # many cards share a topic
    reported: set[Location] = set()  # a file's default topic is wrong once, not once per card

    def topic_error(question: Question, message: str) -> None:
        if question.topic_location not in reported:
            reported.add(question.topic_location)
            problems.append(error(question.topic_location, message))

    for question in questions:
        found_problems = check_cloze(question)
        problems += found_problems
        if question.topic not in resolved:
            resolved[question.topic] = resolve_topic(curriculum, question.topic)
        found, why = resolved[question.topic]
        if not found:
            topic_error(question, f"unknown topic '{question.topic}': {why}")
            continue
        if len(found) > 1:
            where = ", ".join(str(curriculum.nodes[i].location) for i in found)
            topic_error(question, f"topic '{question.topic}' is ambiguous ({where}); write more of the path")
            continue
        node = found[0]
        section = curriculum.section_of(node)
        if section.kind is not Kind.PHASE:
            topic_error(
                question,
                f"topic '{question.topic}' is in '{section.title}', which is not a phase; attach cards to a phase, "
                "or list the section under 'sections:' in deck.yaml to make it a deck",
            )
            continue
        if has_errors(found_problems) or repeated.intersection((question.id, *question.was)):
            continue
        cards.append(Card(question, node))
    return tuple(cards), problems


def check_cloze(question: Question) -> list[Problem]:
    """A cloze needs {{c1::…}}, numbers without gaps, and every deletion closed (cloze.check)."""
    if question.type is not CardType.CLOZE:
        return []
    where = question.where("text")
    return [
        error(where, f"cloze card '{question.id}' {f.message}")
        if f.is_error
        else warning(where, f"cloze card '{question.id}': {f.message}")
        for f in cloze.check(question.text)
    ]
