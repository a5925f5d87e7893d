"""CrowdAnki JSON: a `deck.json` (and `media/`) that the CrowdAnki add-on imports, for sharing via git.

The layout and keys follow what CrowdAnki itself writes (crowd_anki/representation/*.py;
docs/formats.md §2): `json.dumps(sort_keys=True, indent=4, ensure_ascii=False)`, no `id`/`mod`/`usn`,
child decks named by their last component, `note_models` and `deck_configurations` on the root
deck only, and every deck's `deck_config_uuid` pointing into `deck_configurations` (otherwise
CrowdAnki fails with "Incorrect deck config", CrowdAnki#106/#133). Notes carry the `.apkg`'s
GUIDs; note models carry cardsmith's field and template ids, names, templates and CSS.

A note model must not carry its numeric `id`: CrowdAnki merges the JSON into `models.new()` and
calls `models.add()`, which in current Anki asserts a zero id (checked with the `anki` package).
The `crowdanki_uuid`s are UUIDv5 of stable keys, so a rebuild never makes CrowdAnki see new
decks or note types.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from cardsmith.exporters.apkg import top_description
from cardsmith.exporters.base import Convert, Output, deck_tree, media_of
from cardsmith.model import BuiltDeck, Note, NoteType

NAMESPACE = uuid.UUID("5f0c6b1e-7a35-4d0e-9a57-0c2f1d8e6b41")  # cardsmith's CrowdAnki namespace
LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
    "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)
LATEX_POST = "\\end{document}"


def stable_uuid(*key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(key)))


def model_uuid(notetype: NoteType) -> str:
    """The same for every cardsmith deck: the note types are shared, like their Anki ids."""
    return stable_uuid("notetype", str(notetype.id))


def folder(deck: BuiltDeck) -> str:
    return f"{deck.config.id}-crowdanki"


def _field_refs(template: str, notetype: NoteType) -> list[int]:
    names = set(re.findall(r"\{\{(?:[^}:]*:)*([^}#/^]+?)\}\}", template))
    return [i for i, field in enumerate(notetype.fields) if field.name in names]


def note_model(notetype: NoteType, css: str) -> dict[str, Any]:
    """A note type as a complete Anki model dict, as CrowdAnki exports it."""
    return {
        "__type__": "NoteModel",
        "crowdanki_uuid": model_uuid(notetype),
        "css": css,
        "flds": [
            {
                "collapsed": False,
                "description": "",
                "excludeFromSearch": False,
                "font": "Arial",
                "id": field.id,
                "media": [],
                "name": field.name,
                "ord": ord_,
                "plainText": False,
                "preventDeletion": False,
                "rtl": False,
                "size": 20,
                "sticky": False,
                "tag": None,
            }
            for ord_, field in enumerate(notetype.fields)
        ],
        "latexPost": LATEX_POST,
        "latexPre": LATEX_PRE,
        "latexsvg": False,
        "name": notetype.name,
        "req": [[ord_, "any", _field_refs(t.front, notetype)] for ord_, t in enumerate(notetype.templates)],
        "sortf": notetype.sort_field,
        "tags": [],
        "tmpls": [
            {
                "afmt": template.back,
                "bafmt": "",
                "bfont": "",
                "bqfmt": "",
                "bsize": 0,
                "did": None,
                "id": template.id,
                "name": template.name,
                "ord": ord_,
                "qfmt": template.front,
            }
            for ord_, template in enumerate(notetype.templates)
        ],
        "type": 1 if notetype.cloze else 0,
        "vers": [],
    }


def _note(note: Note, notetype: NoteType) -> dict[str, Any]:
    return {
        "__type__": "Note",
        "data": "",
        "fields": list(note.values),
        "flags": 0,
        "guid": note.guid,
        "note_model_uuid": model_uuid(notetype),
        "tags": list(note.tags),
    }


def deck_json(deck: BuiltDeck, notes: tuple[Note, ...] | None = None) -> dict[str, Any]:
    """The root deck with its children (phases, then weeks) and the notes in curriculum order."""
    config_uuid = stable_uuid("deckconfig", deck.config.id)
    notes = deck.notes if notes is None else notes
    description = top_description(deck.config, notes)

    def new_deck(parts: tuple[str, ...]) -> dict[str, Any]:
        return {
            "__type__": "Deck",
            "children": [],
            "crowdanki_uuid": stable_uuid("deck", deck.config.id, *parts),
            "deck_config_uuid": config_uuid,
            "desc": description if len(parts) == 1 else "",  # as in the .apkg
            "dyn": 0,
            "media_files": [],
            "name": parts[-1],
            "notes": [],
        }

    title = notes[0].deck.parts[0] if notes else deck.config.title
    root = new_deck((title,))
    decks: dict[tuple[str, ...], dict[str, Any]] = {(title,): root}
    for d in deck_tree(notes)[1:]:
        decks[d.parts] = new_deck(d.parts)
        decks[d.parts[:-1]]["children"].append(decks[d.parts])
    for note in notes:
        decks[note.deck.parts]["notes"].append(_note(note, deck.notetype(note.notetype)))
    used = sorted({note.notetype for note in notes})
    root["note_models"] = [note_model(deck.notetype(key), deck.stylesheet) for key in used]
    # Only a name: CrowdAnki creates the preset from Anki's defaults and updates just the keys
    # given, so a learner's own settings in it survive a re-import.
    root["deck_configurations"] = [{"__type__": "DeckConfig", "crowdanki_uuid": config_uuid, "name": deck.config.title}]
    root["media_files"] = [name for name, _ in deck.media]
    return root


class CrowdAnkiExporter:
    name = "crowdanki"
    description = "CrowdAnki deck.json folder (for sharing through git)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        # Media have content-hashed names: an image that changed leaves its old file behind.
        return (f"{folder(deck)}/deck.json", f"{folder(deck)}/media/*")

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        media = tuple(Output(f"{folder(deck)}/media/{name}", (), (name,)) for name, _ in deck.media)
        return (Output(f"{folder(deck)}/deck.json", deck.notes, media_of(deck.notes)), *media)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        if output.name.endswith("/deck.json"):
            # CrowdAnki's own serialisation settings, so its re-exports diff cleanly against ours.
            text = json.dumps(deck_json(deck, output.notes), sort_keys=True, indent=4, ensure_ascii=False) + "\n"
            return text.encode("utf-8")
        return next(data for name, data in deck.media if name in output.media)
