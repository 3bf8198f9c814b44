"""Entrées et sorties des routes du conseil municipal."""

import datetime as dt
from typing import Literal

import msgspec

Qualite = Literal["maire", "adjoint", "conseiller"]
Presence = Literal["present", "absent", "excuse"]
Choix = Literal["pour", "contre", "abstention"]


class MembreIn(msgspec.Struct, forbid_unknown_fields=True):
    nom: str
    qualite: Qualite = "conseiller"


class MembreMaj(msgspec.Struct, forbid_unknown_fields=True):
    nom: str | None = None
    qualite: Qualite | None = None
    en_exercice: bool | None = None


class SeanceIn(msgspec.Struct, forbid_unknown_fields=True):
    titre: str
    date: dt.datetime
    president: str
    lieu: str | None = None
    urgence: bool = False
    reconvocation_de: str | None = None


class PointIn(msgspec.Struct, forbid_unknown_fields=True):
    titre: str
    expose: str = ""
    scrutin_secret: bool = False


class ConvocationIn(msgspec.Struct, forbid_unknown_fields=True):
    envoyee_le: dt.datetime | None = None


class PouvoirIn(msgspec.Struct, forbid_unknown_fields=True):
    mandant: str
    mandataire: str


class VoteIn(msgspec.Struct, forbid_unknown_fields=True):
    votes: dict[str, Choix] | None = None
    """Vote nominatif : membre → choix (un mandataire vote aussi pour son mandant)."""
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    """Scrutin secret : les seuls totaux."""


class ProcesVerbalIn(msgspec.Struct, forbid_unknown_fields=True):
    texte: str


class QuorumView(msgspec.Struct):
    en_exercice: int
    presents: int
    requis: int
    atteint: bool
    exige: bool
