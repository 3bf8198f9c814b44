"""Règles du CGCT appliquées par le service (fonctions pures, testables sans la place de marché).

- Convocation : L2121-11 (moins de 3 500 habitants : 3 jours francs), L2121-12 (à partir de
  3 500 : 5 jours francs ; en cas d'urgence, au moins un jour franc).
- Quorum : L2121-17 (majorité des membres en exercice présents ; après une seconde convocation
  faite à trois jours au moins d'intervalle, pas de quorum).
- Pouvoirs et votes : L2121-20 (un seul pouvoir par conseiller ; majorité absolue des suffrages
  exprimés ; voix du président prépondérante en cas de partage, sauf scrutin secret).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
SEUIL_POPULATION = 3_500


def delai_convocation(population: int | None, *, urgence: bool = False, reconvocation: bool = False) -> int:
    """Jours francs minimum entre l'envoi de la convocation et la séance."""
    if urgence:
        return 1
    if reconvocation:
        return 3
    if population is None:
        return 5  # population inconnue : le délai le plus protecteur
    return 3 if population < SEUIL_POPULATION else 5


def jours_francs(envoi: dt.datetime, seance: dt.datetime) -> int:
    """Jours entiers entre les deux dates, ni le jour de l'envoi ni celui de la séance comptés."""
    return (seance.astimezone(PARIS).date() - envoi.astimezone(PARIS).date()).days - 1


def premiere_date_possible(envoi: dt.datetime, delai: int) -> dt.date:
    return envoi.astimezone(PARIS).date() + dt.timedelta(days=delai + 1)


@dataclass(frozen=True)
class Quorum:
    en_exercice: int
    presents: int
    requis: int
    atteint: bool
    exige: bool


def quorum(en_exercice: int, presents: int, *, reconvocation: bool) -> Quorum:
    requis = en_exercice // 2 + 1
    return Quorum(
        en_exercice=en_exercice,
        presents=presents,
        requis=requis,
        atteint=reconvocation or presents >= requis,
        exige=not reconvocation,
    )


@dataclass(frozen=True)
class Resultat:
    pour: int
    contre: int
    abstention: int
    adoptee: bool
    voix_preponderante: bool
    explication: str


def depouiller(
    pour: int, contre: int, abstention: int, *, choix_president: str | None, secret: bool
) -> Resultat:
    """Majorité absolue des suffrages exprimés (les abstentions n'en sont pas)."""
    exprimes = pour + contre
    if exprimes == 0:
        return Resultat(
            pour, contre, abstention, False, False, "Aucun suffrage exprimé : délibération non adoptée."
        )
    if pour != contre:
        adoptee = pour > contre
        texte = "adoptée" if adoptee else "rejetée"
        return Resultat(
            pour,
            contre,
            abstention,
            adoptee,
            False,
            f"Délibération {texte} ({pour} pour, {contre} contre, {abstention} abstention(s)).",
        )
    if secret:
        return Resultat(
            pour,
            contre,
            abstention,
            False,
            False,
            "Partage égal des voix au scrutin secret : délibération rejetée.",
        )
    if choix_president in {"pour", "contre"}:
        adoptee = choix_president == "pour"
        return Resultat(
            pour,
            contre,
            abstention,
            adoptee,
            True,
            f"Partage égal des voix : la voix du président, {choix_president}, est prépondérante ; "
            f"délibération {'adoptée' if adoptee else 'rejetée'}.",
        )
    return Resultat(
        pour,
        contre,
        abstention,
        False,
        False,
        "Partage égal des voix sans vote du président : délibération rejetée.",
    )
