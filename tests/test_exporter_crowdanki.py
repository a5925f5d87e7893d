"""CrowdAnki: the deck.json structure CrowdAnki's importer reads, and that import replayed in Anki."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cardsmith.exporters import export as export_all
from cardsmith.exporters.apkg import ApkgExporter
from cardsmith.notetypes import NOTETYPES, stylesheet
from exporter_helpers import export, fixture_deck, import_apkg, write

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def root() -> dict[str, Any]:
    files = export("crowdanki")
    ((flat, _),) = fixture_deck().media
    assert sorted(files) == ["exporter-test-crowdanki/deck.json", f"exporter-test-crowdanki/media/{flat}"]
    data = files["exporter-test-crowdanki/deck.json"].decode("utf-8")
    parsed: dict[str, Any] = json.loads(data)
    # CrowdAnki's own serialisation, so that its re-exports diff cleanly.
    assert data == json.dumps(parsed, sort_keys=True, indent=4, ensure_ascii=False) + "\n"
    return parsed


def walk(deck: dict[str, Any], parents: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every deck with its full name parts, depth first in file order."""
    path = (*parents, deck["name"])
    yield path, deck
    for child in deck["children"]:
        yield from walk(child, path)


def test_every_note_is_in_its_deck_in_curriculum_order_with_the_apkg_guid() -> None:
    notes = [(path, note) for path, deck in walk(root()) for note in deck["notes"]]
    expected = fixture_deck().notes
    assert [note["guid"] for _, note in notes] == [note.guid for note in expected]
    for (path, note), built in zip(notes, expected, strict=True):
        assert path == built.deck.parts
        assert note["fields"] == list(built.values)
        assert note["tags"] == list(built.tags)
        assert note["__type__"] == "Note"


def test_children_are_phases_then_weeks_named_by_their_last_part() -> None:
    tree = root()
    assert tree["name"] == "Exporter Test"
    assert [child["name"] for child in tree["children"]] == ["01 Фаза 1: Основы (2 недели)", "02 Фаза 2: Продвинутое"]
    assert [week["name"] for week in tree["children"][0]["children"]] == [
        "01 Неделя 1-2: Синтаксис и структуры данных",
        "02 Неделя 10-11: Поздняя неделя",
    ]
    assert all("::" not in deck["name"] for _, deck in walk(tree))


def test_every_deck_points_at_a_deck_configuration_of_the_root() -> None:
    tree = root()
    configs = {config["crowdanki_uuid"] for config in tree["deck_configurations"]}
    assert all(deck["deck_config_uuid"] in configs for _, deck in walk(tree))
    assert all("deck_configurations" not in deck and "note_models" not in deck for _, deck in list(walk(tree))[1:])


def test_note_models_match_cardsmiths_note_types() -> None:
    models = {model["crowdanki_uuid"]: model for model in root()["note_models"]}
    for _, deck in walk(root()):
        for note in deck["notes"]:
            model = models[note["note_model_uuid"]]
            notetype = next(nt for nt in NOTETYPES.values() if nt.name == model["name"])
            assert [(f["name"], f["id"], f["ord"]) for f in model["flds"]] == [
                (f.name, f.id, i) for i, f in enumerate(notetype.fields)
            ]
            assert [(t["name"], t["id"], t["qfmt"], t["afmt"]) for t in model["tmpls"]] == [
                (t.name, t.id, t.front, t.back) for t in notetype.templates
            ]
            assert model["type"] == (1 if notetype.cloze else 0)
            assert model["css"] == stylesheet()


def test_uuids_are_stable_unique_and_no_object_carries_anki_ids() -> None:
    tree = root()
    objects = [deck for _, deck in walk(tree)] + tree["note_models"] + tree["deck_configurations"]
    uuids = [obj["crowdanki_uuid"] for obj in objects]
    assert all(UUID.fullmatch(value) for value in uuids)
    assert len(set(uuids)) == len(uuids)
    assert uuids == [
        obj["crowdanki_uuid"]
        for obj in [d for _, d in walk(root())] + root()["note_models"] + root()["deck_configurations"]
    ]
    for obj in objects + [note for _, deck in walk(tree) for note in deck["notes"]]:
        assert not {"id", "mod", "usn"} & set(obj), obj.get("name")


def test_media_go_into_the_media_folder_and_are_listed() -> None:
    files = export("crowdanki")
    ((flat, data),) = fixture_deck().media
    assert files[f"exporter-test-crowdanki/media/{flat}"] == data
    assert json.loads(files["exporter-test-crowdanki/deck.json"])["media_files"] == [flat]


def test_export_is_deterministic() -> None:
    assert export("crowdanki") == export("crowdanki")


# --- CrowdAnki's import, replayed with the real Anki backend ---------------------------------


def crowdanki_import(col: Any, folder: Path) -> None:
    """What CrowdAnki's importer does, minus the GUI (importer/anki_importer.py, representation/)."""
    from anki.notes import Note

    tree = json.loads((folder / "deck.json").read_text(encoding="utf-8"))
    for media in sorted((folder / "media").iterdir()):
        shutil.copy(media, col.media.dir())

    skip = {"__type__"}
    configs = {}
    for config in tree["deck_configurations"]:
        created = col.decks.add_config(config["name"])
        created.update({k: v for k, v in config.items() if k not in skip})
        col.decks.update_config(created)
        configs[config["crowdanki_uuid"]] = created["id"]
    models = {}
    for model in tree["note_models"]:
        merged = col.models.new(model["name"])
        merged.update({k: v for k, v in model.items() if k not in skip})
        col.models.add(merged)
        models[model["crowdanki_uuid"]] = merged

    def save(deck: dict[str, Any], parent: str) -> None:
        name = f"{parent}::{deck['name']}" if parent else deck["name"]
        deck_id = col.decks.id(name)
        anki_deck = col.decks.get(deck_id)
        filtered = {
            "__type__",
            "note_models",
            "deck_configurations",
            "children",
            "media_files",
            "notes",
            "deck_config_uuid",
        }
        anki_deck.update({k: v for k, v in deck.items() if k not in filtered})
        anki_deck["name"] = name
        anki_deck["conf"] = configs[deck["deck_config_uuid"]]
        col.decks.save(anki_deck)
        for child in deck["children"]:
            save(child, name)
        for entry in deck["notes"]:
            note = Note(col, models[entry["note_model_uuid"]])
            note.fields = list(entry["fields"])
            note.tags = list(entry["tags"])
            note.guid = entry["guid"]
            col.add_note(note, deck_id)

    save(tree, "")


@pytest.mark.anki
def test_anki_accepts_the_note_models_and_the_notes_match_an_apkg_import(collection: Any, tmp_path: Path) -> None:
    from anki.collection import Collection

    crowdanki_import(
        collection, write(tmp_path / "out", export("crowdanki"))["exporter-test-crowdanki/deck.json"].parent
    )
    assert list(collection.media.check().missing) == []

    reference = Collection(str(tmp_path / "reference.anki2"))
    try:
        deck = fixture_deck()
        import_apkg(reference, write(tmp_path, export_all(ApkgExporter(), deck))["exporter-test.apkg"])

        def summary(col: Any) -> dict[str, Any]:
            out = {}
            for nid in col.find_notes(""):
                note = col.get_note(nid)
                cards = sorted((card.ord, col.decks.name(card.did)) for card in note.cards())
                out[note.guid] = (note.note_type()["name"], tuple(note.fields), sorted(note.tags), cards)
            return out

        assert summary(collection) == summary(reference)
        assert len(summary(collection)) == len(deck.notes)
        written = {model["name"]: model for model in root()["note_models"]}
        for notetype in NOTETYPES.values():
            ours = collection.models.by_name(notetype.name)
            theirs = reference.models.by_name(notetype.name)
            # The JSON has every key Anki keeps in a note type, but those CrowdAnki strips (id,
            # mod, usn, did) and the apkg importer's own bookkeeping (originalId).
            json_keys = set(written[notetype.name]) - {"__type__", "crowdanki_uuid"}
            assert json_keys == set(theirs) - {"id", "mod", "usn", "did", "originalId"}, notetype.name
            assert [set(f) for f in written[notetype.name]["flds"]] == [set(f) for f in theirs["flds"]]
            assert [set(t) for t in written[notetype.name]["tmpls"]] == [set(t) for t in theirs["tmpls"]]
            assert ours["req"] == theirs["req"] == written[notetype.name]["req"]
            assert ours["css"] == theirs["css"]
    finally:
        reference.close()
