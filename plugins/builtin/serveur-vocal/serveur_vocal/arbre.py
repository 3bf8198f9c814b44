"""L'arborescence du serveur vocal, les horaires, et le simulateur d'appel."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from plugins.sdk import InvalidInput, normalise_phone

from .feries import jours_feries

PARIS = ZoneInfo("Europe/Paris")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
TOUCHES = set("0123456789*#")
_PLAGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_SIP = re.compile(r"^sips?:[^\s@]+@[^\s@]+$")
MAX_ETAPES = 60


class Choix(msgspec.Struct, forbid_unknown_fields=True):
    touche: str
    cible: str
    libelle: str = ""


class Noeud(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    type: Literal["menu", "transfert", "message"]
    annonce: str
    choix: list[Choix] = []
    numero: str | None = None
    """Transfert vers un numéro de téléphone…"""
    service: str | None = None
    """…ou vers un service (adresse SIP, sip:accueil@mairie.fr)."""


class Arbre(msgspec.Struct, forbid_unknown_fields=True):
    racine: str
    noeuds: list[Noeud]
    message_erreur: str = "Votre choix n'est pas valide."
    tentatives: int = 3


class Horaires(msgspec.Struct, forbid_unknown_fields=True):
    semaine: dict[str, list[str]]
    fermetures: list[dt.date] = []
    """Fermetures exceptionnelles (ponts, journées de formation)."""


def valider_arbre(arbre: Arbre) -> Arbre:
    ids = [n.id for n in arbre.noeuds]
    problemes = []
    if len(set(ids)) != len(ids):
        problemes.append("deux nœuds portent le même identifiant")
    problemes += [f"identifiant « {i} » invalide" for i in ids if not _ID.match(i)]
    if arbre.racine not in ids:
        problemes.append(f"la racine « {arbre.racine} » n'existe pas")
    for noeud in arbre.noeuds:
        if noeud.type == "menu":
            if not noeud.choix:
                problemes.append(f"le menu « {noeud.id} » ne propose aucun choix")
            touches = [c.touche for c in noeud.choix]
            if len(set(touches)) != len(touches):
                problemes.append(f"le menu « {noeud.id} » utilise deux fois la même touche")
            problemes += [f"touche « {t} » invalide dans « {noeud.id} »" for t in touches if t not in TOUCHES]
            problemes += [
                f"« {noeud.id} » renvoie vers « {c.cible} », inexistant"
                for c in noeud.choix
                if c.cible not in ids
            ]
        elif noeud.type == "transfert":
            if bool(noeud.numero) == bool(noeud.service):
                problemes.append(f"le transfert « {noeud.id} » vise soit un numéro, soit un service")
            elif noeud.numero:
                try:
                    noeud.numero = normalise_phone(noeud.numero)
                except ValueError as exc:
                    problemes.append(f"« {noeud.id} » : {exc}")
            elif noeud.service and not _SIP.match(noeud.service):
                problemes.append(f"« {noeud.id} » : service attendu sous la forme sip:nom@domaine")
        if not noeud.annonce.strip():
            problemes.append(f"« {noeud.id} » n'a pas d'annonce")
    if problemes:
        raise InvalidInput("Arborescence invalide : " + " ; ".join(problemes) + ".", code="arbre_invalide")
    return arbre


def valider_horaires(horaires: Horaires) -> Horaires:
    problemes = [f"jour inconnu « {j} »" for j in horaires.semaine if j not in JOURS]
    for jour, plages in horaires.semaine.items():
        for plage in plages:
            m = _PLAGE.match(plage)
            if m is None or (m[1], m[2]) >= (m[3], m[4]):
                problemes.append(f"{jour} : plage « {plage} » invalide (HH:MM-HH:MM)")
    if problemes:
        raise InvalidInput("Horaires invalides : " + " ; ".join(problemes) + ".", code="horaires_invalides")
    return horaires


def ouvert(horaires: Horaires, instant: dt.datetime, departement: str | None) -> tuple[bool, str]:
    local = instant.astimezone(PARIS)
    jour = local.date()
    if nom := jours_feries(jour.year, departement).get(jour):
        return False, f"Jour férié : {nom}"
    if jour in horaires.fermetures:
        return False, "Fermeture exceptionnelle"
    heure = local.strftime("%H:%M")
    for plage in horaires.semaine.get(JOURS[local.weekday()], []):
        debut, fin = plage.split("-")
        if debut <= heure < fin:
            return True, ""
    return False, "En dehors des horaires d'ouverture"


class Etape(msgspec.Struct):
    noeud: str
    annonce: str
    touche: str | None = None


class Action(msgspec.Struct, omit_defaults=True):
    type: Literal["transfert", "message", "attente", "raccroche", "ferme"]
    numero: str | None = None
    service: str | None = None
    motif: str | None = None


class Simulation(msgspec.Struct):
    ouvert: bool
    etapes: list[Etape]
    action: Action


def simuler(
    arbre: Arbre,
    horaires: Horaires,
    touches: str,
    instant: dt.datetime,
    *,
    departement: str | None,
    message_fermeture: str,
    astreinte: str | None,
) -> Simulation:
    est_ouvert, motif = ouvert(horaires, instant, departement)
    if not est_ouvert:
        fermeture = [Etape(noeud="fermeture", annonce=message_fermeture)]
        if astreinte:
            return Simulation(False, fermeture, Action(type="transfert", numero=astreinte, motif=motif))
        return Simulation(False, fermeture, Action(type="ferme", motif=motif))
    noeuds = {n.id: n for n in arbre.noeuds}
    courant = noeuds[arbre.racine]
    etapes: list[Etape] = []
    restantes = list(touches)
    erreurs = 0
    while len(etapes) < MAX_ETAPES:
        etapes.append(Etape(noeud=courant.id, annonce=courant.annonce))
        if courant.type == "transfert":
            return Simulation(
                True, etapes, Action(type="transfert", numero=courant.numero, service=courant.service)
            )
        if courant.type == "message":
            return Simulation(True, etapes, Action(type="message"))
        if not restantes:
            return Simulation(True, etapes, Action(type="attente"))
        touche = restantes.pop(0)
        etapes[-1].touche = touche
        if touche == "*":
            continue  # réécouter le menu
        cible = next((c.cible for c in courant.choix if c.touche == touche), None)
        if cible is None:
            erreurs += 1
            etapes.append(Etape(noeud=courant.id, annonce=arbre.message_erreur))
            if erreurs >= arbre.tentatives:
                return Simulation(True, etapes, Action(type="raccroche", motif="Trop de choix non valides"))
            continue
        courant = noeuds[cible]
    return Simulation(True, etapes, Action(type="raccroche", motif="Parcours trop long"))
