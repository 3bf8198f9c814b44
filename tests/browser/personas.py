"""The accounts the browser tests sign in with (created by prepare.py in the server's database)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.people import PASSWORD
from tests.support.routes import COLLECTIVITE_A, PUBLISHER_A


@dataclass(frozen=True)
class BrowserPersona:
    email: str
    name: str
    nav_link: str
    """The menu entry only this role sees."""
    password: str = PASSWORD
    curator: bool = False
    collectivite: str | None = None
    publisher: tuple[str, str] | None = None


PERSONAS = {
    "agent": BrowserPersona(
        email="agent@bourg.example.fr",
        name="Agnès Agent",
        nav_link="Mes collectivités",
        collectivite=COLLECTIVITE_A,
    ),
    "publisher": BrowserPersona(
        email="editeur@editeur-a.example.fr",
        name="Paul Éditeur",
        nav_link="Mes services publiés",
        publisher=(PUBLISHER_A, "Éditeur A"),
    ),
    "curator": BrowserPersona(
        email="curatrice@anct.example.fr", name="Claire Curatrice", nav_link="Curation", curator=True
    ),
}
