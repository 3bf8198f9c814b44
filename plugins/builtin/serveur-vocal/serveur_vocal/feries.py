"""Jours fériés français (Code du travail, art. L3133-1), avec les jours propres à l'Alsace-Moselle
(art. L3134-13) et aux départements d'outre-mer (abolition de l'esclavage, loi du 30 juin 1983)."""

from __future__ import annotations

import datetime as dt

ALSACE_MOSELLE = {"57", "67", "68"}
ABOLITION = {"971": (5, 27), "972": (5, 22), "973": (6, 10), "974": (12, 20), "976": (4, 27)}


def paques(annee: int) -> dt.date:
    """Dimanche de Pâques (calendrier grégorien, algorithme de Meeus, Jones et Butcher)."""
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    mois, jour = divmod(h + ll - 7 * m + 114, 31)
    return dt.date(annee, mois, jour + 1)


def jours_feries(annee: int, departement: str | None = None) -> dict[dt.date, str]:
    p = paques(annee)
    jours = {
        dt.date(annee, 1, 1): "Jour de l'an",
        p + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(annee, 5, 1): "Fête du Travail",
        dt.date(annee, 5, 8): "Victoire 1945",
        p + dt.timedelta(days=39): "Ascension",
        p + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(annee, 7, 14): "Fête nationale",
        dt.date(annee, 8, 15): "Assomption",
        dt.date(annee, 11, 1): "Toussaint",
        dt.date(annee, 11, 11): "Armistice 1918",
        dt.date(annee, 12, 25): "Noël",
    }
    if departement in ALSACE_MOSELLE:
        jours[p - dt.timedelta(days=2)] = "Vendredi saint"
        jours[dt.date(annee, 12, 26)] = "Saint-Étienne"
    if departement in ABOLITION:
        mois, jour = ABOLITION[departement]
        jours[dt.date(annee, mois, jour)] = "Abolition de l'esclavage"
    return dict(sorted(jours.items()))
