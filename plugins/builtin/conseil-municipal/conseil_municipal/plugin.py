"""Conseil municipal en ligne : routes et crochets."""

import datetime as dt
from typing import Any, Literal

import markupsafe
import msgspec
from litestar import Request, get, patch, post, put

from plugins.sdk import (
    PUBLIC,
    SIGNATORY,
    Conflict,
    Ctx,
    FromPath,
    HealthReport,
    InvalidInput,
    JSONBody,
    NotFound,
    hookimpl,
    html_page,
    wants_html,
)

from . import rules

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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _membres(ctx: Ctx) -> dict[str, dict[str, Any]]:
    return {d.id: {"id": d.id, **d.data} for d in await ctx.documents.list("membres")}


async def _seance(ctx: Ctx, seance_id: str) -> dict[str, Any]:
    seance = await ctx.documents.get("seances", seance_id)
    if seance is None:
        raise NotFound("Séance introuvable.", code="seance_introuvable")
    return seance


def _quorum(seance: dict[str, Any], membres: dict[str, dict[str, Any]]) -> rules.Quorum:
    en_exercice = [m for m in membres.values() if m.get("en_exercice", True)]
    presents = [m for m in en_exercice if seance["presences"].get(m["id"]) == "present"]
    return rules.quorum(len(en_exercice), len(presents), reconvocation=bool(seance.get("reconvocation_de")))


# Membres ------------------------------------------------------------------------------------


@get("/membres")
async def lister_membres(ctx: Ctx) -> list[dict[str, Any]]:
    return sorted((await _membres(ctx)).values(), key=lambda m: (m["qualite"] != "maire", m["nom"]))


@post("/membres")
async def ajouter_membre(ctx: Ctx, data: JSONBody[MembreIn]) -> dict[str, Any]:
    if not data.nom.strip():
        raise InvalidInput("Le nom est obligatoire.", code="nom_obligatoire")
    if data.qualite == "maire":
        for membre in (await _membres(ctx)).values():
            if membre["qualite"] == "maire" and membre.get("en_exercice", True):
                raise Conflict("Le conseil a déjà un maire en exercice.", code="maire_existant")
    membre = {"nom": data.nom.strip(), "qualite": data.qualite, "en_exercice": True}
    membre_id = await ctx.documents.insert("membres", membre)
    return {"id": membre_id, **membre}


@patch("/membres/{membre_id:str}")
async def modifier_membre(ctx: Ctx, membre_id: FromPath[str], data: JSONBody[MembreMaj]) -> dict[str, Any]:
    membre = await ctx.documents.get("membres", membre_id)
    if membre is None:
        raise NotFound("Membre introuvable.", code="membre_introuvable")
    for champ in ("nom", "qualite", "en_exercice"):
        if (valeur := getattr(data, champ)) is not None:
            membre[champ] = valeur
    await ctx.documents.put("membres", membre_id, membre)
    return {"id": membre_id, **membre}


# Séances ------------------------------------------------------------------------------------


@post("/seances")
async def creer_seance(ctx: Ctx, data: JSONBody[SeanceIn]) -> dict[str, Any]:
    membres = await _membres(ctx)
    if data.president not in membres:
        raise InvalidInput("Le président de séance doit être un membre du conseil.", code="president_inconnu")
    if data.date.tzinfo is None:
        raise InvalidInput("La date de séance doit préciser son fuseau horaire.", code="date_sans_fuseau")
    if data.reconvocation_de:
        premiere = await _seance(ctx, data.reconvocation_de)
        if _quorum(premiere, membres).atteint:
            raise Conflict(
                "La séance initiale a atteint le quorum : pas de reconvocation possible.",
                code="reconvocation_inutile",
            )
    seance: dict[str, Any] = {
        "titre": data.titre.strip(),
        "date": data.date.isoformat(),
        "lieu": data.lieu or ctx.config.get("lieu_par_defaut") or "Mairie",
        "president": data.president,
        "urgence": data.urgence,
        "reconvocation_de": data.reconvocation_de,
        "etat": "preparation",
        "convocation_envoyee_le": None,
        "presences": {},
        "pouvoirs": {},
    }
    seance_id = await ctx.documents.insert("seances", seance)
    return {"id": seance_id, **seance}


@get("/seances/{seance_id:str}")
async def voir_seance(ctx: Ctx, seance_id: FromPath[str]) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    points = sorted(
        ({"id": d.id, **d.data} for d in await ctx.documents.list("points", where={"seance": seance_id})),
        key=lambda p: p["numero"],
    )
    q = _quorum(seance, await _membres(ctx))
    return {"id": seance_id, **seance, "points": points, "quorum": msgspec.structs.asdict(_q(q))}


class _QuorumView(msgspec.Struct):
    en_exercice: int
    presents: int
    requis: int
    atteint: bool
    exige: bool


def _q(q: rules.Quorum) -> _QuorumView:
    return _QuorumView(q.en_exercice, q.presents, q.requis, q.atteint, q.exige)


@post("/seances/{seance_id:str}/points")
async def ajouter_point(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[PointIn]) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    if seance["etat"] == "close":
        raise Conflict("La séance est close.", code="seance_close")
    numero = len(await ctx.documents.list("points", where={"seance": seance_id})) + 1
    point = {
        "seance": seance_id,
        "numero": numero,
        "titre": data.titre.strip(),
        "expose": data.expose,
        "scrutin_secret": data.scrutin_secret,
        "resultat": None,
    }
    point_id = await ctx.documents.insert("points", point)
    return {"id": point_id, **point}


@post("/seances/{seance_id:str}/convocation")
async def convoquer(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[ConvocationIn]) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    envoi = data.envoyee_le or _now()
    date_seance = dt.datetime.fromisoformat(seance["date"])
    delai = rules.delai_convocation(
        ctx.tenant.population, urgence=seance["urgence"], reconvocation=bool(seance["reconvocation_de"])
    )
    francs = rules.jours_francs(envoi, date_seance)
    if francs < delai:
        premiere = rules.premiere_date_possible(envoi, delai)
        raise InvalidInput(
            f"Délai de convocation insuffisant : {max(francs, 0)} jour(s) franc(s) au lieu de {delai} "
            f"({ctx.tenant.name}, {ctx.tenant.population or 'population inconnue'} habitants). "
            f"Première date possible : {premiere.strftime('%d/%m/%Y')}.",
            code="delai_convocation_insuffisant",
        )
    points = await ctx.documents.list("points", where={"seance": seance_id})
    if not points:
        raise InvalidInput("L'ordre du jour est vide.", code="ordre_du_jour_vide")
    seance["etat"] = "convoquee"
    seance["convocation_envoyee_le"] = envoi.isoformat()
    await ctx.documents.put("seances", seance_id, seance)
    ordre = "\n".join(
        f"{p.data['numero']}. {p.data['titre']}" for p in sorted(points, key=lambda p: p.data["numero"])
    )
    texte = (
        f"{ctx.tenant.name} — Convocation du conseil municipal\n\n"
        "Le conseil municipal est convoqué le "
        f"{date_seance.astimezone(rules.PARIS).strftime('%d/%m/%Y à %Hh%M')}, "
        f"{seance['lieu']}.\n\nOrdre du jour :\n{ordre}\n"
    )
    if contact := ctx.config.get("secretariat_email"):
        texte += f"\nSecrétariat : {contact}\n"
    await ctx.events.emit("conseil.convocation_envoyee", {"seance": seance_id, "date": seance["date"]})
    return {"seance": seance_id, "delai_legal_jours_francs": delai, "jours_francs": francs, "texte": texte}


@put("/seances/{seance_id:str}/presences")
async def noter_presences(
    ctx: Ctx, seance_id: FromPath[str], data: JSONBody[dict[str, Presence]]
) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    membres = await _membres(ctx)
    inconnus = [m for m in data if m not in membres]
    if inconnus:
        raise InvalidInput("Membres inconnus : " + ", ".join(inconnus) + ".", code="membre_introuvable")
    seance["presences"].update(data)
    for mandant, mandataire in list(seance["pouvoirs"].items()):
        if seance["presences"].get(mandataire) != "present" or seance["presences"].get(mandant) == "present":
            del seance["pouvoirs"][mandant]  # pouvoir devenu sans objet
    await ctx.documents.put("seances", seance_id, seance)
    return {
        "presences": seance["presences"],
        "pouvoirs": seance["pouvoirs"],
        "quorum": _q(_quorum(seance, membres)),
    }


@post("/seances/{seance_id:str}/pouvoirs")
async def donner_pouvoir(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[PouvoirIn]) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    membres = await _membres(ctx)
    for role, membre_id in (("mandant", data.mandant), ("mandataire", data.mandataire)):
        if membre_id not in membres or not membres[membre_id].get("en_exercice", True):
            raise InvalidInput(f"Le {role} doit être un conseiller en exercice.", code="membre_introuvable")
    if data.mandant == data.mandataire:
        raise InvalidInput("On ne se donne pas pouvoir à soi-même.", code="pouvoir_invalide")
    if seance["presences"].get(data.mandant) == "present":
        raise InvalidInput("Un conseiller présent ne donne pas pouvoir.", code="mandant_present")
    if seance["presences"].get(data.mandataire) != "present":
        raise InvalidInput("Le mandataire doit être présent à la séance.", code="mandataire_absent")
    if data.mandant in seance["pouvoirs"]:
        raise Conflict("Ce conseiller a déjà donné pouvoir pour cette séance.", code="pouvoir_deja_donne")
    if data.mandataire in seance["pouvoirs"].values():
        raise Conflict(
            "Un conseiller ne peut être porteur que d'un seul pouvoir (CGCT, art. L2121-20).",
            code="un_seul_pouvoir",
        )
    seance["pouvoirs"][data.mandant] = data.mandataire
    await ctx.documents.put("seances", seance_id, seance)
    return {"pouvoirs": seance["pouvoirs"]}


@get("/seances/{seance_id:str}/quorum")
async def voir_quorum(ctx: Ctx, seance_id: FromPath[str]) -> _QuorumView:
    return _q(_quorum(await _seance(ctx, seance_id), await _membres(ctx)))


@post("/seances/{seance_id:str}/points/{point_id:str}/vote")
async def voter(
    ctx: Ctx, seance_id: FromPath[str], point_id: FromPath[str], data: JSONBody[VoteIn]
) -> dict[str, Any]:
    async with ctx.documents.atomic():
        seance = await _seance(ctx, seance_id)
        point = await ctx.documents.get("points", point_id)
        if point is None or point["seance"] != seance_id:
            raise NotFound("Point de l'ordre du jour introuvable.", code="point_introuvable")
        if seance["etat"] != "convoquee":
            raise Conflict(
                "Le conseil n'a pas été régulièrement convoqué, ou la séance est close.",
                code="seance_non_ouverte",
            )
        if point.get("resultat"):
            raise Conflict("Ce point a déjà été voté.", code="deja_vote")
        membres = await _membres(ctx)
        q = _quorum(seance, membres)
        if not q.atteint:
            raise Conflict(
                f"Quorum non atteint : {q.presents} présent(s) sur {q.en_exercice}, {q.requis} requis. "
                "Le conseil doit être convoqué à nouveau (trois jours au moins d'intervalle).",
                code="quorum_non_atteint",
            )
        presents = {m for m, etat in seance["presences"].items() if etat == "present"}
        votants_possibles = presents | {
            m for m, mandataire in seance["pouvoirs"].items() if mandataire in presents
        }
        choix_president = None
        if point["scrutin_secret"]:
            if data.votes is not None or None in (data.pour, data.contre, data.abstention):
                raise InvalidInput("Au scrutin secret, indiquez les seuls totaux.", code="vote_invalide")
            pour, contre, abstention = int(data.pour or 0), int(data.contre or 0), int(data.abstention or 0)
            if min(pour, contre, abstention) < 0 or pour + contre + abstention > len(votants_possibles):
                raise InvalidInput(
                    f"Plus de bulletins ({pour + contre + abstention}) "
                    f"que de votants ({len(votants_possibles)}).",
                    code="vote_invalide",
                )
        else:
            if not data.votes:
                raise InvalidInput("Indiquez le vote de chaque conseiller.", code="vote_invalide")
            intrus = sorted(set(data.votes) - votants_possibles)
            if intrus:
                noms = ", ".join(membres.get(m, {}).get("nom", m) for m in intrus)
                raise InvalidInput(
                    f"Ne peuvent pas voter (absents sans pouvoir ou inconnus) : {noms}.",
                    code="votant_invalide",
                )
            comptes = {
                c: sum(1 for v in data.votes.values() if v == c) for c in ("pour", "contre", "abstention")
            }
            pour, contre, abstention = comptes["pour"], comptes["contre"], comptes["abstention"]
            if seance["president"] in presents:
                choix_president = data.votes.get(seance["president"])
        resultat = rules.depouiller(
            pour, contre, abstention, choix_president=choix_president, secret=point["scrutin_secret"]
        )
        annee = dt.datetime.fromisoformat(seance["date"]).year
        compteur = await ctx.documents.get("compteurs", f"deliberations-{annee}") or {"dernier": 0}
        compteur["dernier"] += 1
        await ctx.documents.put("compteurs", f"deliberations-{annee}", compteur)
        point.update(
            resultat="adoptee" if resultat.adoptee else "rejetee",
            numero_deliberation=f"{annee}-{compteur['dernier']:03d}",
            vote={"pour": pour, "contre": contre, "abstention": abstention, "nominatif": data.votes},
            voix_preponderante=resultat.voix_preponderante,
            explication=resultat.explication,
        )
        await ctx.documents.put("points", point_id, point)
    return {"id": point_id, **point}


@post("/seances/{seance_id:str}/cloture")
async def clore(ctx: Ctx, seance_id: FromPath[str]) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    seance["etat"] = "close"
    await ctx.documents.put("seances", seance_id, seance)
    return {"id": seance_id, "etat": "close"}


@post("/seances/{seance_id:str}/proces-verbal")
async def rediger_pv(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[ProcesVerbalIn]) -> dict[str, Any]:
    await _seance(ctx, seance_id)
    pv = await ctx.documents.get("proces_verbaux", seance_id) or {}
    if pv.get("publie"):
        raise Conflict("Le procès-verbal est déjà publié.", code="pv_publie")
    pv = {"texte": data.texte, "publie": False, "publie_le": None}
    await ctx.documents.put("proces_verbaux", seance_id, pv)
    return pv


@post("/seances/{seance_id:str}/proces-verbal/publication", opt=SIGNATORY)
async def publier_pv(ctx: Ctx, seance_id: FromPath[str]) -> dict[str, Any]:
    seance = await _seance(ctx, seance_id)
    if seance["etat"] != "close":
        raise Conflict("Clôturez la séance avant de publier son procès-verbal.", code="seance_non_close")
    pv = await ctx.documents.get("proces_verbaux", seance_id)
    if pv is None:
        raise NotFound("Aucun procès-verbal rédigé.", code="pv_introuvable")
    pv.update(publie=True, publie_le=_now().isoformat(), signe_par=ctx.viewer.display_name)
    await ctx.documents.put("proces_verbaux", seance_id, pv)
    await ctx.events.emit("conseil.proces_verbal_publie", {"seance": seance_id})
    return pv


# Public ------------------------------------------------------------------------------------


async def _deliberations(ctx: Ctx) -> list[dict[str, Any]]:
    seances = {d.id: d.data for d in await ctx.documents.list("seances")}
    liste = []
    for doc in await ctx.documents.list("points"):
        point, seance = doc.data, seances.get(doc.data["seance"])
        if not point.get("resultat") or seance is None or seance["etat"] != "close":
            continue
        liste.append(
            {
                "numero": point["numero_deliberation"],
                "titre": point["titre"],
                "seance": seance["titre"],
                "date": seance["date"],
                "resultat": point["resultat"],
                "vote": {k: point["vote"][k] for k in ("pour", "contre", "abstention")},
            }
        )
    return sorted(liste, key=lambda d: d["numero"], reverse=True)


@get("/deliberations", opt=PUBLIC)
async def deliberations(ctx: Ctx, request: Request[Any, Any, Any]) -> Any:
    liste = await _deliberations(ctx)
    if not wants_html(request):
        return liste
    escape = markupsafe.escape
    lignes = "".join(
        f"<tr><td>{escape(d['numero'])}</td><td>{escape(d['titre'])}</td>"
        f"<td>{escape(dt.datetime.fromisoformat(d['date']).strftime('%d/%m/%Y'))}</td>"
        f"<td>{'Adoptée' if d['resultat'] == 'adoptee' else 'Rejetée'}</td>"
        f"<td>{d['vote']['pour']} / {d['vote']['contre']} / {d['vote']['abstention']}</td></tr>"
        for d in liste
    )
    vide = "<tr><td colspan=5>Aucune délibération publiée.</td></tr>"
    corps = markupsafe.Markup(  # noqa: S704 - every interpolated value is escaped above
        '<div class="fr-table"><table><caption>Délibérations du conseil municipal</caption>'
        "<thead><tr><th>N°</th><th>Objet</th><th>Séance</th><th>Résultat</th>"
        "<th>Pour / contre / abstention</th></tr>"
        f"</thead><tbody>{lignes or vide}</tbody></table></div>"
    )
    return html_page(ctx, "Délibérations", corps)


@get("/seances/{seance_id:str}/proces-verbal", opt=PUBLIC)
async def lire_pv(ctx: Ctx, seance_id: FromPath[str]) -> dict[str, Any]:
    pv = await ctx.documents.get("proces_verbaux", seance_id)
    if pv is None or not pv.get("publie"):
        raise NotFound("Procès-verbal non publié.", code="pv_introuvable")
    seance = await _seance(ctx, seance_id)
    return {
        "seance": seance["titre"],
        "date": seance["date"],
        "texte": pv["texte"],
        "publie_le": pv["publie_le"],
    }


# Crochets ----------------------------------------------------------------------------------


@hookimpl
def register_routes() -> list[Any]:
    return [
        lister_membres, ajouter_membre, modifier_membre, creer_seance, voir_seance, ajouter_point,
        convoquer, noter_presences, donner_pouvoir, voir_quorum, voter, clore, rediger_pv, publier_pv,
        deliberations, lire_pv,
    ]  # fmt: skip


@hookimpl
async def provision(ctx: Ctx) -> None:
    if await ctx.documents.get("parametres", "service") is None:
        await ctx.documents.put(
            "parametres", "service", {"cree_le": _now().isoformat(), "version": ctx.version}
        )


@hookimpl
async def health(ctx: Ctx) -> HealthReport:
    if await ctx.documents.get("parametres", "service") is None:
        return HealthReport(status="degraded", detail="Service non initialisé.")
    return HealthReport(status="ok")
