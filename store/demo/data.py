"""The demo catalogue, read from ``data/*.toml``, and the people who use it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from catalogue.listings.reference import DEPLOYMENT_MODES
from catalogue.listings.schemas import ListingCreate

DATA = Path(__file__).parent / "data"
BOURG_EN_BRESSE = "210100533"
GRAND_BOURG = "200071751"
AMBERIEU = "210100046"
PUBLISHER_PASSWORD = "Editeur-Demo-2026"  # noqa: S105 - documented demo password


@dataclass(frozen=True)
class DemoPerson:
    email: str
    password: str
    name: str
    role_label: str
    kind: str
    """curator | collectivite | publisher"""
    siren: str | None = None
    role: str | None = None
    can_sign: bool = False


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        email="curatrice@anct.example",
        password="Curatrice-Anct-2026",  # noqa: S106 - documented demo password
        name="Claire Dubois (ANCT)",
        role_label="Curatrice de l'ANCT",
        kind="curator",
    ),
    DemoPerson(
        email="maire@bourg-en-bresse.example",
        password="Maire-Bourg-2026",  # noqa: S106 - documented demo password
        name="Jean Moreau, maire",
        role_label="Maire de Bourg-en-Bresse (signe)",
        kind="collectivite",
        siren=BOURG_EN_BRESSE,
        role="elu_executif",
        can_sign=True,
    ),
    DemoPerson(
        email="agent@bourg-en-bresse.example",
        password="Agent-Bourg-2026",  # noqa: S106 - documented demo password
        name="Sophie Bernard",
        role_label="Agente, Bourg-en-Bresse",
        kind="collectivite",
        siren=BOURG_EN_BRESSE,
        role="agent",
    ),
    DemoPerson(
        email="agent@grand-bourg.example",
        password="Agent-Agglo-2026",  # noqa: S106 - documented demo password
        name="Karim Haddad",
        role_label="Agent, CA du Bassin de Bourg-en-Bresse",
        kind="collectivite",
        siren=GRAND_BOURG,
        role="agent",
    ),
)


@dataclass(frozen=True)
class DemoPublisher:
    key: str
    siren: str
    name: str
    website: str
    contact_email: str
    description: str
    verified: bool
    developer: str
    developer_name: str

    def person(self) -> DemoPerson:
        return DemoPerson(
            self.developer, PUBLISHER_PASSWORD, self.developer_name, f"Développeur, {self.name}", "publisher",
            self.siren, "developer",
        )  # fmt: skip


@dataclass(frozen=True)
class DemoService:
    slug: str
    publisher: str
    state: str
    note: str
    fields: dict[str, Any] = field(default_factory=dict)

    def to_create(self) -> ListingCreate:
        values = dict(self.fields)
        features = values.pop("features", [])
        for plan in values.get("plans", []):
            for tier in plan.get("tiers", []):
                tier.setdefault("up_to_population", None)
        values["description_md"] = description(values, features)
        return msgspec.convert({"slug": self.slug, **values}, ListingCreate)


def description(values: dict[str, Any], features: list[str]) -> str:
    """A Markdown description from the pitch, the features and the deployment mode."""
    if not features:
        return ""
    parts = [
        values.get("pitch", ""),
        "## Fonctionnalités",
        "\n".join(f"- {f[0].upper()}{f[1:]}." for f in features),
    ]
    mode = values.get("deployment_mode", "saas_mutualise")
    parts += ["## Mise en œuvre", f"{DEPLOYMENT_MODES[mode]}. " + _DEPLOYMENT_TEXT[mode]]
    return "\n\n".join(p for p in parts if p)


_DEPLOYMENT_TEXT = {
    "saas_mutualise": "Rien à installer : la collectivité ouvre son espace en quelques jours, "
    "les mises à jour et la sauvegarde sont assurées pour tous les utilisateurs.",
    "operator_hosted": "Le service est hébergé et exploité par l'opérateur public, "
    "qui assure aussi la formation des agents et l'assistance.",
    "on_premise": "La collectivité l'installe sur ses serveurs ; une documentation d'installation "
    "et une assistance sont fournies.",
}


@cache
def publishers() -> tuple[DemoPublisher, ...]:
    raw = tomllib.loads((DATA / "publishers.toml").read_text(encoding="utf-8"))
    return tuple(DemoPublisher(**p) for p in raw["publishers"])


@cache
def services() -> tuple[DemoService, ...]:
    raw = tomllib.loads((DATA / "services.toml").read_text(encoding="utf-8"))
    found = []
    for entry in raw["services"]:
        entry = dict(entry)
        found.append(
            DemoService(
                slug=entry.pop("slug"),
                publisher=entry.pop("publisher"),
                state=entry.pop("state", "published"),
                note=entry.pop("note", ""),
                fields=entry,
            )
        )
    return tuple(found)
