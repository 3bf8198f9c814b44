"""The README's configuration table lists every setting, with its real default."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from store.kit.settings import PREFIX, Settings

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\|\s*`(TS_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|\s*([^|]+?)\s*\|\s*$", re.M)


def readme_table() -> dict[str, tuple[str, str]]:
    return {name: (default, meaning) for name, default, meaning in ROW.findall(README.read_text())}


def documented_default(cell: str) -> str:
    return "" if cell == "(empty)" else cell.strip("`")


def test_every_setting_is_in_the_readme_with_its_default() -> None:
    table = readme_table()
    fields = {PREFIX + f.name.upper(): f.default for f in msgspec.structs.fields(Settings)}
    missing = sorted(set(fields) - set(table))
    unknown = sorted(set(table) - set(fields))
    assert not missing, f"add these settings to the README configuration table: {missing}"
    assert not unknown, f"the README documents settings that do not exist: {unknown}"
    wrong = {
        name: (table[name][0], default)
        for name, default in fields.items()
        if documented_default(table[name][0]) != str(default)
    }
    assert not wrong, f"README default differs from Settings (README, code): {wrong}"
    assert all(len(meaning) > 10 for _, meaning in table.values())


def test_the_readme_links_the_architecture_document() -> None:
    assert "(docs/architecture.md)" in README.read_text()
    assert (README.parent / "docs" / "architecture.md").is_file()


def test_the_readme_lists_the_demo_accounts_with_their_passwords() -> None:
    from store.demo.commands import MAIN_DEVELOPER
    from store.demo.data import PEOPLE, publishers

    text = README.read_text()
    developer = next(p.person() for p in publishers() if p.developer == MAIN_DEVELOPER)
    for person in (*PEOPLE, developer):
        row = re.search(rf"^\|[^|\n]*\|\s*`{re.escape(person.email)}`\s*\|\s*`([^`]+)`\s*\|$", text, re.M)
        assert row, f"README: no row for the demo account {person.email}"
        assert row[1] == person.password, f"README: wrong password for {person.email}"
