"""Recherche de thèmes tolérante aux fautes : accents et casse ignorés, préfixes, et distance
d'édition (transpositions comprises) d'autant plus permissive que le mot est long."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MOTS_VIDES = {
    "a", "au", "aux", "avec", "ce", "d", "de", "des", "du", "en", "et", "je", "j", "l", "la", "le", "les",
    "ma", "mes", "mon", "ou", "par", "pour", "qui", "quoi", "sa", "ses", "son", "sur", "un", "une", "veux",
    "voudrais", "faire", "comment", "demande", "demander", "besoin", "obtenir", "il", "me", "m", "ai", "est",
    "pas", "ne", "n", "plus", "y",
}  # fmt: skip


def plier(texte: str) -> str:
    texte = texte.replace("œ", "oe").replace("æ", "ae")
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def mots(texte: str) -> list[str]:
    return [m for m in re.split(r"[^a-z0-9]+", plier(texte)) if m and m not in MOTS_VIDES]


def distance(a: str, b: str, plafond: int) -> int:
    """Damerau-Levenshtein (transpositions adjacentes), arrêtée au-delà de ``plafond``."""
    if abs(len(a) - len(b)) > plafond:
        return plafond + 1
    precedente2: list[int] = []
    precedente = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        courante = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cout = 0 if ca == cb else 1
            courante[j] = min(precedente[j] + 1, courante[j - 1] + 1, precedente[j - 1] + cout)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                courante[j] = min(courante[j], precedente2[j - 2] + 1)
        if min(courante) > plafond:
            return plafond + 1
        precedente2, precedente = precedente, courante
    return precedente[-1]


def _tolerance(mot: str) -> int:
    return 0 if len(mot) <= 3 else 1 if len(mot) <= 6 else 2


def score_mot(requete: str, candidats: Iterable[str]) -> float:
    meilleur = 0.0
    for candidat in candidats:
        if candidat == requete:
            return 3.0
        if len(requete) >= 3 and candidat.startswith(requete):
            meilleur = max(meilleur, 2.0)
            continue
        tolerance = _tolerance(requete)
        if tolerance and (d := distance(requete, candidat, tolerance)) <= tolerance:
            meilleur = max(meilleur, 2.0 - 0.5 * d)
        elif len(requete) >= 6 and len(candidat) >= 6 and requete[:6] == candidat[:6]:
            meilleur = max(meilleur, 1.0)  # même racine : ramassée / ramassage
    return meilleur


def rechercher(
    themes: list[dict[str, Any]], requete: str, limite: int = 3
) -> list[tuple[float, dict[str, Any]]]:
    termes = mots(requete)
    if not termes:
        return []
    resultats = []
    for theme in themes:
        vocabulaire = set(mots(theme["libelle"]))
        for expression in theme.get("mots_cles", []):
            vocabulaire.update(mots(expression))
        scores = [score_mot(t, vocabulaire) for t in termes]
        trouves = sum(1 for s in scores if s > 0)
        if trouves * 2 < len(termes):  # au moins la moitié des mots doivent correspondre
            continue
        resultats.append((sum(scores) / len(termes), theme))
    resultats.sort(key=lambda r: (-r[0], r[1]["libelle"]))
    return resultats[:limite]
