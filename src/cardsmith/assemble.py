"""Link questions to curriculum topics and check the deck as a whole (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from cardsmith import cloze
from cardsmith.curriculum import aliases
from cardsmith.errors import Location, Problem, error, warning
from cardsmith.model import Card, CardType, Curriculum, Kind, Question
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
    return [], f"no topic '{wanted}'{under}{hint}"


def link(curriculum: Curriculum, questions: Iterable[Question]) -> tuple[tuple[Card, ...], list[Problem]]:
    """Attach each question to its topic; check ids, topics and clozes across the deck."""
    problems: list[Problem] = []
    cards: list[Card] = []
    first_seen: dict[str, Location] = {}
    resolved: dict[str, tuple[list[int], str]] = {}  # many cards share a topic
    for question in questions:
        for name in (question.id, *question.was):
            if name in first_seen:
                other = first_seen[name]
                what = "card id" if name == question.id else "old id in 'was'"
                problems.append(
                    error(
                        question.where("id" if name == question.id else "was"),
                        f"duplicate {what} '{name}', also used at {other}; ids must be unique in the deck",
                    )
                )
            else:
                first_seen[name] = question.where("id" if name == question.id else "was")
        problems += check_cloze(question)
        if question.topic not in resolved:
            resolved[question.topic] = resolve_topic(curriculum, question.topic)
        found, why = resolved[question.topic]
        if not found:
            problems.append(error(question.topic_location, f"unknown topic '{question.topic}': {why}"))
            continue
        if len(found) > 1:
            where = ", ".join(f"line {curriculum.nodes[i].location.line}" for i in found)
            problems.append(
                error(
                    question.topic_location, f"topic '{question.topic}' is ambiguous ({where}); write more of the path"
                )
            )
            continue
        node = found[0]
        section = curriculum.section_of(node)
        if section.kind is not Kind.PHASE:
            problems.append(
                error(
                    question.topic_location,
                    f"topic '{question.topic}' is in '{section.title}', which is not a phase; attach cards to a phase, "
                    "or list the section under 'sections:' in deck.yaml to make it a deck",
                )
            )
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
