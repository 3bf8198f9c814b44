"""Orientation des usagers : routes et crochets."""

import re
from typing import Any, Literal

import markupsafe
import msgspec
from litestar import Request, delete, get, put

from plugins.sdk import (
    PUBLIC,
    Ctx,
    FromPath,
    FromQuery,
    InvalidInput,
    JSONBody,
    NotFound,
    hookimpl,
    html_page,
    wants_html,
)

from .competences import NIVEAUX, THEMES
from .recherche import rechercher

Niveau = Literal["commune", "epci", "departement", "region", "etat", "operateur"]
LIBELLES = {
    "commune": "Commune",
    "epci": "Intercommunalité",
    "departement": "Département",
    "region": "Région",
    "etat": "Service de l'État",
    "operateur": "Organisme de service public",
}
_CLE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


class ThemeIn(msgspec.Struct, forbid_unknown_fields=True):
    libelle: str
    niveau: Niveau
    service: str
    mots_cles: list[str] = []
    explication: str = ""
    lien: str = ""
    operateur: str = ""
    actif: bool = True


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    nom: str = ""
    telephone: str = ""
    courriel: str = ""
    adresse: str = ""
    horaires: str = ""
    site: str = ""


async def _themes(ctx: Ctx, *, inactifs: bool = False) -> list[dict[str, Any]]:
    surcharges = {d.id: d.data for d in await ctx.documents.list("themes")}
    themes = []
    for theme in THEMES:
        propre = surcharges.pop(theme["id"], None)
        fusion = {**theme, **(propre or {}), "id": theme["id"], "personnalise": propre is not None}
        themes.append(fusion)
    themes += [{**t, "id": i, "personnalise": True} for i, t in surcharges.items()]
    return [t for t in themes if inactifs or t.get("actif", True)]


def _de(name: str) -> str:
    """French elision: « de Bourg-en-Bresse » but « d'Ambérieu-en-Bugey »."""
    return f"d'{name}" if name[:1].lower() in "aàâeéèêiîoôuh" else f"de {name}"


def _autorite(ctx: Ctx, theme: dict[str, Any]) -> dict[str, Any]:
    tenant, niveau = ctx.tenant, theme["niveau"]
    nom, siren = None, None
    if niveau == "commune":
        nom = f"Mairie {_de(tenant.name)}" if tenant.kind == "commune" else "La mairie de votre commune"
        siren = tenant.siren if tenant.kind == "commune" else None
    elif niveau == "epci":
        ref = tenant if tenant.kind in {"epci", "ept"} else tenant.epci
        nom, siren = (ref.name, ref.siren) if ref else ("Votre intercommunalité", None)
    elif niveau in {"departement", "region"}:
        ref = getattr(tenant, niveau)
        nom = ref.name if ref else ("Votre département" if niveau == "departement" else "Votre région")
        siren = ref.siren if ref else None
    elif niveau == "operateur":
        nom = theme.get("operateur") or theme["service"]
    else:
        nom = _service(ctx, theme)
    return {"niveau": niveau, "libelle_niveau": LIBELLES[niveau], "nom": nom, "siren": siren}


def _service(ctx: Ctx, theme: dict[str, Any]) -> str:
    departement = ctx.tenant.departement.name if ctx.tenant.departement else "votre département"
    region = ctx.tenant.region.name if ctx.tenant.region else "votre région"
    return str(theme["service"]).replace("{departement}", departement).replace("{region}", region)


def _cle_contact(theme: dict[str, Any]) -> str:
    if theme["niveau"] == "operateur":
        return re.sub(r"[^a-z0-9]+", "-", str(theme.get("operateur", "")).lower()).strip("-") or "operateur"
    return str(theme["niveau"])


async def _reponse(ctx: Ctx, theme: dict[str, Any]) -> dict[str, Any]:
    contact = await ctx.documents.get("contacts", _cle_contact(theme))
    return {
        "theme": {"id": theme["id"], "libelle": theme["libelle"]},
        "autorite": _autorite(ctx, theme),
        "service": _service(ctx, theme),
        "explication": theme.get("explication", ""),
        "lien": theme.get("lien", ""),
        "contact": contact,
    }


@get("/", opt=PUBLIC)
async def accueil(ctx: Ctx, request: Request[Any, Any, Any], q: FromQuery[str] = "") -> Any:
    themes = await _themes(ctx)
    reponses = []
    if q.strip():
        limite = int(ctx.config.get("nombre_resultats") or 3)
        reponses = [await _reponse(ctx, t) for _, t in rechercher(themes, q, limite)]
    if not wants_html(request):
        return {
            "message": ctx.config.get("message_accueil"),
            "themes": [_court(t) for t in themes],
            "reponses": reponses,
        }
    e = markupsafe.escape
    blocs = "".join(
        f'<div class="fr-callout fr-mb-2w"><h2 class="fr-callout__title">{e(r["theme"]["libelle"])}</h2>'
        f'<p class="fr-callout__text">Compétence : <strong>{e(r["autorite"]["libelle_niveau"])}</strong> — '
        f"{e(r['autorite']['nom'])}.<br>{e(r['service'])}"
        + (f"<br>Téléphone : {e(r['contact'].get('telephone', ''))}" if r["contact"] else "")
        + "</p></div>"
        for r in reponses
    )
    if q.strip() and not reponses:
        blocs = "<p>Aucun thème ne correspond : reformulez, ou choisissez un thème ci-dessous.</p>"
    liste = "".join(f'<li><a href="?q={e(t["libelle"])}">{e(t["libelle"])}</a></li>' for t in themes)
    corps = markupsafe.Markup(  # noqa: S704 - every interpolated value is escaped above
        f"<p>{e(ctx.config.get('message_accueil') or '')}</p>"
        '<form method="get" class="fr-search-bar fr-mb-4w" role="search">'
        '<label class="fr-label" for="q">Votre besoin</label>'
        f'<input class="fr-input" id="q" name="q" value="{e(q)}" type="search">'
        '<button class="fr-btn" type="submit">Rechercher</button></form>'
        f"{blocs}<h2>Tous les thèmes</h2><ul>{liste}</ul>"
    )
    return html_page(ctx, "Qui contacter pour ma démarche ?", corps)


def _court(theme: dict[str, Any]) -> dict[str, Any]:
    return {"id": theme["id"], "libelle": theme["libelle"], "niveau": theme["niveau"]}


@get("/recherche", opt=PUBLIC)
async def recherche(ctx: Ctx, q: FromQuery[str] = "") -> dict[str, Any]:
    if len(q.strip()) < 2:
        raise InvalidInput("Décrivez votre besoin en quelques mots.", code="requete_vide")
    limite = int(ctx.config.get("nombre_resultats") or 3)
    resultats = rechercher(await _themes(ctx), q, limite)
    return {
        "requete": q,
        "reponses": [{**(await _reponse(ctx, t)), "score": round(s, 2)} for s, t in resultats],
    }


@get("/themes", opt=PUBLIC)
async def themes(ctx: Ctx) -> list[dict[str, Any]]:
    return [_court(t) for t in await _themes(ctx)]


async def _reponse_theme(ctx: Ctx, theme_id: str) -> dict[str, Any]:
    trouve = next((t for t in await _themes(ctx) if t["id"] == theme_id), None)
    if trouve is None:
        raise NotFound("Thème introuvable.", code="theme_introuvable")
    return await _reponse(ctx, trouve)


@get("/themes/{theme_id:str}", opt=PUBLIC)
async def theme(ctx: Ctx, theme_id: FromPath[str]) -> dict[str, Any]:
    return await _reponse_theme(ctx, theme_id)


@put("/themes/{theme_id:str}")
async def modifier_theme(ctx: Ctx, theme_id: FromPath[str], data: JSONBody[ThemeIn]) -> dict[str, Any]:
    if not _CLE.match(theme_id):
        raise InvalidInput(
            "Identifiant de thème invalide (minuscules, chiffres, tirets).", code="theme_invalide"
        )
    if data.niveau == "operateur" and not data.operateur.strip():
        raise InvalidInput("Précisez l'organisme compétent.", code="operateur_manquant")
    await ctx.documents.put("themes", theme_id, msgspec.to_builtins(data))
    return await _reponse_theme(ctx, theme_id) if data.actif else {"id": theme_id, "actif": False}


@delete("/themes/{theme_id:str}", status_code=200)
async def retablir_theme(ctx: Ctx, theme_id: FromPath[str]) -> dict[str, Any]:
    if not await ctx.documents.delete("themes", theme_id):
        raise NotFound("Ce thème n'a pas été personnalisé.", code="theme_non_personnalise")
    defaut = any(t["id"] == theme_id for t in THEMES)
    return {"id": theme_id, "retabli": defaut, "supprime": not defaut}


@get("/contacts")
async def contacts(ctx: Ctx) -> dict[str, Any]:
    return {d.id: d.data for d in await ctx.documents.list("contacts")}


@put("/contacts/{cle:str}")
async def modifier_contact(ctx: Ctx, cle: FromPath[str], data: JSONBody[ContactIn]) -> dict[str, Any]:
    if cle not in NIVEAUX and not _CLE.match(cle):
        raise InvalidInput("Clé de contact invalide.", code="contact_invalide")
    contact = {k: v.strip() for k, v in msgspec.to_builtins(data).items() if v.strip()}
    await ctx.documents.put("contacts", cle, contact)
    return {"cle": cle, **contact}


@hookimpl
def register_routes() -> list[Any]:
    return [accueil, recherche, themes, theme, modifier_theme, retablir_theme, contacts, modifier_contact]
