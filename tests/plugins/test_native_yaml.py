"""The native YAML exchange format: the shapes it reads, archives it refuses, documents that
would expand without end, and a write-read round trip."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml

from engine.domain.exchange import ImportDefaults
from plugins.native_yaml import NativeYamlFormat, dump_item

NATIVE = NativeYamlFormat()
ITEM = {"id": "tf-pauze", "type": "true_false", "language": "nl", "title": "Pauze",
        "outcomes": ["ESQF-E-18e"], "eqf_level": 6,
        "stem": "Na ongeveer anderhalf uur volgt een pauze.\n\nKlopt dat?",
        "payload": {"answer": True}, "tags": ["pauze"]}


def read(data: bytes, name: str = "items.yaml"):
    return NATIVE.read(data, filename=name, defaults=ImportDefaults())


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, blob in files.items():
            archive.writestr(name, blob)
    return out.getvalue()


@pytest.mark.parametrize("text", [
    dump_item(ITEM),                                    # {"items": [...]}
    "- " + dump_item(ITEM).split("- ", 1)[1],           # a list of items
    dump_item(ITEM).split("- ", 1)[1].replace("\n  ", "\n"),  # one item
])
def test_it_reads_a_bank_file_a_list_or_one_item(text):
    result = read(text.encode())
    assert not result.problems
    [item] = result.items
    assert item.pop("_where") == {"file": "items.yaml", "line": 2 if text.startswith(
        "items") else 1}
    assert item == ITEM


def test_write_then_read_gives_the_items_back_with_their_media():
    other = {**ITEM, "id": "tf-twee", "stem": "Zie ![schema](/media/" + "a" * 64 + ".png)"}
    written = NATIVE.write([ITEM, other], media={"a" * 64 + ".png": b"\x89PNG..."})
    result = read(written.data, written.filename)
    assert [({k: v for k, v in i.items() if k != "_where"}) for i in result.items] == \
        [ITEM, other]
    assert result.media == {"a" * 64 + ".png": b"\x89PNG..."}


def test_nested_aliases_that_expand_without_end_are_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    result = read("\n".join([*lines, "type: choice"]).encode())
    assert not result.items
    assert "expand it to 1,234,567,911 values" in result.problems[0].message
    looping = read(b"a: &a [*a]\ntype: choice\n")
    assert "refers to itself" in looping.problems[0].message


def test_aliases_as_tools_write_them_are_fine():
    shared = ["ESQF-E-18e"]  # PyYAML writes a repeated list once, with an alias
    text = yaml.safe_dump({"items": [{**ITEM, "outcomes": shared},
                                     {**ITEM, "id": "tf-twee", "outcomes": shared}]})
    assert "&id001" in text and "*id001" in text
    assert [i["outcomes"] for i in read(text.encode()).items] == [shared, shared]


@pytest.mark.parametrize("name", ["../evil.yaml", "/etc/evil.yaml", "C:/evil.yaml"])
def test_archive_members_outside_the_archive_refuse_it(name):
    result = read(_zip({"items/a.yaml": dump_item(ITEM).encode(), name: b"x"}), "x.zip")
    assert not result.items and "archive" in result.problems[0].message


def test_broken_yaml_names_the_file_and_line():
    result = read(b"items:\n  - id: a\n    title: [oops\n", "kapot.yaml")
    assert result.problems[0].file == "kapot.yaml" and result.problems[0].line
