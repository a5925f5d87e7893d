from __future__ import annotations

import json
from typing import Any

from cardsmith.notetypes import NOTETYPES, stylesheet


def schema() -> str:
    """What Anki compares to decide whether a note type changed shape (ids, fields, templates)."""
    return json.dumps(
        {
            key: {
                "name": nt.name,
                "id": nt.id,
                "cloze": nt.cloze,
                "sort_field": nt.sort_field,
                "fields": [[f.name, f.id] for f in nt.fields],
                "templates": [[t.name, t.id] for t in nt.templates],
            }
            for key, nt in NOTETYPES.items()
        },
        ensure_ascii=False,
        indent=1,
    )


def test_note_type_ids_fields_and_templates_are_frozen(golden: Any) -> None:
    # Changing these after a release makes every learner's notes "conflicting" on import.
    golden("notetypes.json", schema() + "\n")


def test_every_note_type_carries_the_card_id_and_the_topic_breadcrumb() -> None:
    for nt in NOTETYPES.values():
        names = [f.name for f in nt.fields]
        assert "Card ID" in names and "Topic" in names and "Extra" in names
        for template in nt.templates:
            assert "{{Topic}}" in template.front


def test_ids_are_unique_across_note_types_fields_and_templates() -> None:
    ids = [nt.id for nt in NOTETYPES.values()]
    ids += [f.id for nt in NOTETYPES.values() for f in nt.fields]
    ids += [t.id for nt in NOTETYPES.values() for t in nt.templates]
    assert len(ids) == len(set(ids))


def test_the_stylesheet_has_dark_mode_left_aligned_code_and_no_network() -> None:
    css = stylesheet()
    assert ".nightMode pre.highlight .k" in css
    assert "pre.highlight .k" in css
    assert "text-align: left" in css and "monospace" in css
    assert "http" not in css and "@import" not in css and "url(" not in css
