"""Serveur vocal interactif : routes et crochets."""

import datetime as dt
from typing import Any

import msgspec
from litestar import Response, get, post, put

from plugins.sdk import Ctx, FromQuery, HealthReport, InvalidInput, JSONBody, hookimpl

from .arbre import Arbre, Choix, Horaires, Noeud, Simulation, simuler, valider_arbre, valider_horaires
from .feries import jours_feries
from .vxml import annee_courante, exporter

ARBRE_INITIAL = Arbre(
    racine="accueil",
    noeuds=[
        Noeud(
            id="accueil",
            type="menu",
            annonce="Bienvenue à la mairie. Pour l'état civil, tapez 1. Pour l'urbanisme, tapez 2. "
            "Pour parler à un agent d'accueil, tapez 9.",
            choix=[
                Choix(touche="1", cible="etat-civil", libelle="État civil"),
                Choix(touche="2", cible="urbanisme", libelle="Urbanisme"),
                Choix(touche="9", cible="standard", libelle="Accueil"),
            ],
        ),
        Noeud(
            id="etat-civil",
            type="message",
            annonce="Les actes d'état civil se demandent en ligne sur service-public.fr. Au revoir.",
        ),
        Noeud(
            id="urbanisme",
            type="message",
            annonce="Le service de l'urbanisme reçoit sur rendez-vous. Au revoir.",
        ),
        Noeud(
            id="standard",
            type="message",
            annonce="Tous nos agents sont occupés. Merci de rappeler plus tard.",
        ),
    ],
)
HORAIRES_INITIAUX = Horaires(
    semaine={j: ["08:30-12:00", "13:30-17:30"] for j in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")}
    | {"samedi": ["09:00-12:00"]}
)


class SimulationIn(msgspec.Struct, forbid_unknown_fields=True):
    touches: str = ""
    instant: dt.datetime | None = None


async def _arbre(ctx: Ctx) -> Arbre:
    doc = await ctx.documents.get("configuration", "arbre")
    return msgspec.convert(doc, Arbre) if doc else ARBRE_INITIAL


async def _horaires(ctx: Ctx) -> Horaires:
    doc = await ctx.documents.get("configuration", "horaires")
    return msgspec.convert(doc, Horaires) if doc else HORAIRES_INITIAUX


@get("/menu")
async def lire_menu(ctx: Ctx) -> Arbre:
    return await _arbre(ctx)


@put("/menu")
async def ecrire_menu(ctx: Ctx, data: JSONBody[Arbre]) -> Arbre:
    arbre = valider_arbre(data)
    await ctx.documents.put("configuration", "arbre", msgspec.to_builtins(arbre))
    return arbre


@get("/horaires")
async def lire_horaires(ctx: Ctx) -> Horaires:
    return await _horaires(ctx)


@put("/horaires")
async def ecrire_horaires(ctx: Ctx, data: JSONBody[Horaires]) -> Horaires:
    horaires = valider_horaires(data)
    await ctx.documents.put("configuration", "horaires", msgspec.to_builtins(horaires))
    return horaires


@get("/jours-feries")
async def feries(ctx: Ctx, annee: FromQuery[int | None] = None) -> list[dict[str, str]]:
    annee = annee or annee_courante()
    if not 1900 <= annee <= 2200:
        raise InvalidInput("Année hors limites (1900-2200).", code="annee_invalide")
    return [
        {"date": d.isoformat(), "nom": n} for d, n in jours_feries(annee, ctx.tenant.departement_code).items()
    ]


@post("/simulation", status_code=200)
async def simulation(ctx: Ctx, data: JSONBody[SimulationIn]) -> Simulation:
    if any(t not in "0123456789*#" for t in data.touches) or len(data.touches) > 40:
        raise InvalidInput("Touches attendues : chiffres, * et # (40 au plus).", code="touches_invalides")
    instant = data.instant or dt.datetime.now(dt.UTC)
    if instant.tzinfo is None:
        raise InvalidInput("L'instant doit préciser son fuseau horaire.", code="instant_sans_fuseau")
    return simuler(
        await _arbre(ctx),
        await _horaires(ctx),
        data.touches,
        instant,
        departement=ctx.tenant.departement_code,
        message_fermeture=str(ctx.config.get("message_fermeture") or "La mairie est fermée."),
        astreinte=ctx.config.get("numero_astreinte"),
    )


@get("/export.vxml")
async def export_vxml(ctx: Ctx) -> Response[str]:
    document = exporter(
        await _arbre(ctx),
        await _horaires(ctx),
        collectivite=ctx.tenant.name,
        departement=ctx.tenant.departement_code,
        message_fermeture=str(ctx.config.get("message_fermeture") or "La mairie est fermée."),
        astreinte=ctx.config.get("numero_astreinte"),
        annee=annee_courante(),
    )
    return Response(
        content=document,
        media_type="application/voicexml+xml",
        headers={"content-disposition": 'attachment; filename="serveur-vocal.vxml"'},
    )


@hookimpl
def register_routes() -> list[Any]:
    return [lire_menu, ecrire_menu, lire_horaires, ecrire_horaires, feries, simulation, export_vxml]


@hookimpl
async def health(ctx: Ctx) -> HealthReport:
    try:
        valider_arbre(await _arbre(ctx))
    except InvalidInput as exc:
        return HealthReport(status="degraded", detail=exc.detail)
    return HealthReport(status="ok")
