"""Card-quality warnings for `cardsmith check` (pure): what makes a card hard to learn or wrong to trust.

Each warning has a short name that an author can switch off for one card (`allow: [long-answer]`)
or for the whole deck (`allow:` in deck.yaml).
"""

from __future__ import annotations

NAMES = (
    "long-answer",  # an answer much longer than a recall answer should be (words outside code)
    "gives-away",  # a reversed card whose back gives its front away (the term, or its initials)
    "answer-in-question",  # a question that contains its own answer
    "code-language",  # a fenced code block with no language
    "type-in-markup",  # a type-in answer with Markdown in it, which the learner would have to type
    "near-duplicate",  # two questions that say nearly the same
)
