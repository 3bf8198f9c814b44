"""Export de l'arborescence en VoiceXML 2.1 (W3C) : <menu>/<choice> pour les choix au clavier,
<transfer> pour les transferts, <block>/<prompt>/<disconnect> pour les messages, et un script
ECMAScript qui applique les horaires et les jours fériés calculés à l'export."""

from __future__ import annotations

import datetime as dt
import json
from xml.sax.saxutils import escape, quoteattr

from .arbre import JOURS, Arbre, Horaires
from .feries import jours_feries

NS = "http://www.w3.org/2001/vxml"


def _tel(numero: str) -> str:
    if numero.startswith("+"):
        return "tel:" + numero
    if len(numero) == 10 and numero.startswith("0"):
        return "tel:+33" + numero[1:]
    return "tel:" + numero


def _id(noeud_id: str) -> str:
    return "n_" + noeud_id.replace("-", "_")


def exporter(
    arbre: Arbre,
    horaires: Horaires,
    *,
    collectivite: str,
    departement: str | None,
    message_fermeture: str,
    astreinte: str | None,
    annee: int,
) -> str:
    feries = sorted(d.isoformat() for a in (annee, annee + 1) for d in jours_feries(a, departement)) + sorted(
        d.isoformat() for d in horaires.fermetures
    )
    semaine = {str((i + 1) % 7): horaires.semaine.get(jour, []) for i, jour in enumerate(JOURS)}
    script = (
        f"var FERMES = {json.dumps(feries)};\n"
        f"var PLAGES = {json.dumps(semaine)};\n"
        "function deuxChiffres(n) { return (n < 10 ? '0' : '') + n; }\n"
        "function estOuvert() {\n"
        "  var d = new Date();\n"
        "  var jour = d.getFullYear() + '-' + deuxChiffres(d.getMonth() + 1)\n"
        "    + '-' + deuxChiffres(d.getDate());\n"
        "  for (var i = 0; i < FERMES.length; i++) { if (FERMES[i] == jour) { return false; } }\n"
        "  var heure = deuxChiffres(d.getHours()) + ':' + deuxChiffres(d.getMinutes());\n"
        "  var plages = PLAGES[String(d.getDay())] || [];\n"
        "  for (var j = 0; j < plages.length; j++) {\n"
        "    var p = plages[j].split('-');\n"
        "    if (heure >= p[0] && heure < p[1]) { return true; }\n"
        "  }\n"
        "  return false;\n"
        "}\n"
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<vxml version="2.1" xmlns="{NS}" xml:lang="fr-FR">',
        f"  <!-- Serveur vocal : {escape(collectivite)}. Heure de la plateforme : Europe/Paris. -->",
        f"  <script><![CDATA[\n{script}]]></script>",
        '  <form id="accueil">',
        "    <block>",
        '      <if cond="estOuvert()">',
        f'        <goto next="#{_id(arbre.racine)}"/>',
        "      <else/>",
        '        <goto next="#fermeture"/>',
        "      </if>",
        "    </block>",
        "  </form>",
        '  <form id="fermeture">',
    ]
    if astreinte:
        parts += [
            f'    <transfer name="astreinte" dest={quoteattr(_tel(astreinte))} bridge="true">',
            f"      <prompt>{escape(message_fermeture)}</prompt>",
            "    </transfer>",
        ]
    else:
        parts += [
            "    <block>",
            f"      <prompt>{escape(message_fermeture)}</prompt>",
            "      <disconnect/>",
            "    </block>",
        ]
    parts.append("  </form>")
    for noeud in arbre.noeuds:
        ident = _id(noeud.id)
        if noeud.type == "menu":
            parts.append(f'  <menu id="{ident}">')
            parts.append(f"    <prompt>{escape(noeud.annonce)}</prompt>")
            for choix in noeud.choix:
                parts.append(
                    f'    <choice dtmf={quoteattr(choix.touche)} next="#{_id(choix.cible)}">'
                    f"{escape(choix.libelle or choix.cible)}</choice>"
                )
            if not any(c.touche == "*" for c in noeud.choix):
                parts.append(f'    <choice dtmf="*" next="#{ident}">réécouter</choice>')
            parts += [
                "    <noinput><reprompt/></noinput>",
                '    <nomatch count="1">'
                f"<prompt>{escape(arbre.message_erreur)}</prompt><reprompt/></nomatch>",
                f'    <nomatch count="{arbre.tentatives}"><disconnect/></nomatch>',
                "  </menu>",
            ]
        elif noeud.type == "transfert":
            dest = _tel(noeud.numero) if noeud.numero else str(noeud.service)
            parts += [
                f'  <form id="{ident}">',
                f'    <transfer name="t_{ident}" dest={quoteattr(dest)} bridge="true">',
                f"      <prompt>{escape(noeud.annonce)}</prompt>",
                "    </transfer>",
                "  </form>",
            ]
        else:
            parts += [
                f'  <form id="{ident}">',
                "    <block>",
                f"      <prompt>{escape(noeud.annonce)}</prompt>",
                "      <disconnect/>",
                "    </block>",
                "  </form>",
            ]
    parts.append("</vxml>")
    return "\n".join(parts) + "\n"


def annee_courante() -> int:
    return dt.datetime.now(dt.UTC).year
