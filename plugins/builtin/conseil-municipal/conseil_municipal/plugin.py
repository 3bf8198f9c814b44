"""Conseil municipal en ligne : routes et crochets."""

import datetime as dt
from typing import Any

import msgspec
from litestar import get, patch, post, put

from plugins.sdk import (
    SIGNATORY,
    Conflict,
    Ctx,
    FromPath,
    HealthReport,
    InvalidInput,
    JSONBody,
    NotFound,
    hookimpl,
)

from . import rules
from .publication import deliberations, lire_pv
from .registre import calculer_quorum, lire_membres, lire_seance, maintenant, vue_quorum
from .schemas import (
    ConvocationIn,
    MembreIn,
    MembreMaj,
    PointIn,
    PouvoirIn,
    Presence,
    ProcesVerbalIn,
    QuorumView,
    SeanceIn,
    VoteIn,
)

# Membres ------------------------------------------------------------------------------------


@get("/membres")
async def lister_membres(ctx: Ctx) -> list[dict[str, Any]]:
    return sorted((await lire_membres(ctx)).values(), key=lambda m: (m["qualite"] != "maire", m["nom"]))


@post("/membres")
async def ajouter_membre(ctx: Ctx, data: JSONBody[MembreIn]) -> dict[str, Any]:
    if not data.nom.strip():
        raise InvalidInput("Le nom est obligatoire.", code="nom_obligatoire")
    if data.qualite == "maire":
        for membre in (await lire_membres(ctx)).values():
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
    membres = await lire_membres(ctx)
    if data.president not in membres:
        raise InvalidInput("Le président de séance doit être un membre du conseil.", code="president_inconnu")
    if data.date.tzinfo is None:
        raise InvalidInput("La date de séance doit préciser son fuseau horaire.", code="date_sans_fuseau")
    if data.reconvocation_de:
        premiere = await lire_seance(ctx, data.reconvocation_de)
        if calculer_quorum(premiere, membres).atteint:
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
    seance = await lire_seance(ctx, seance_id)
    points = sorted(
        ({"id": d.id, **d.data} for d in await ctx.documents.list("points", where={"seance": seance_id})),
        key=lambda p: p["numero"],
    )
    q = calculer_quorum(seance, await lire_membres(ctx))
    return {"id": seance_id, **seance, "points": points, "quorum": msgspec.structs.asdict(vue_quorum(q))}


@post("/seances/{seance_id:str}/points")
async def ajouter_point(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[PointIn]) -> dict[str, Any]:
    seance = await lire_seance(ctx, seance_id)
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
    seance = await lire_seance(ctx, seance_id)
    envoi = data.envoyee_le or maintenant()
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
    seance = await lire_seance(ctx, seance_id)
    membres = await lire_membres(ctx)
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
        "quorum": vue_quorum(calculer_quorum(seance, membres)),
    }


@post("/seances/{seance_id:str}/pouvoirs")
async def donner_pouvoir(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[PouvoirIn]) -> dict[str, Any]:
    seance = await lire_seance(ctx, seance_id)
    membres = await lire_membres(ctx)
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
async def voir_quorum(ctx: Ctx, seance_id: FromPath[str]) -> QuorumView:
    return vue_quorum(calculer_quorum(await lire_seance(ctx, seance_id), await lire_membres(ctx)))


@post("/seances/{seance_id:str}/points/{point_id:str}/vote")
async def voter(
    ctx: Ctx, seance_id: FromPath[str], point_id: FromPath[str], data: JSONBody[VoteIn]
) -> dict[str, Any]:
    async with ctx.documents.atomic():
        seance = await lire_seance(ctx, seance_id)
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
        membres = await lire_membres(ctx)
        q = calculer_quorum(seance, membres)
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
    seance = await lire_seance(ctx, seance_id)
    seance["etat"] = "close"
    await ctx.documents.put("seances", seance_id, seance)
    return {"id": seance_id, "etat": "close"}


@post("/seances/{seance_id:str}/proces-verbal")
async def rediger_pv(ctx: Ctx, seance_id: FromPath[str], data: JSONBody[ProcesVerbalIn]) -> dict[str, Any]:
    await lire_seance(ctx, seance_id)
    pv = await ctx.documents.get("proces_verbaux", seance_id) or {}
    if pv.get("publie"):
        raise Conflict("Le procès-verbal est déjà publié.", code="pv_publie")
    pv = {"texte": data.texte, "publie": False, "publie_le": None}
    await ctx.documents.put("proces_verbaux", seance_id, pv)
    return pv


@post("/seances/{seance_id:str}/proces-verbal/publication", opt=SIGNATORY)
async def publier_pv(ctx: Ctx, seance_id: FromPath[str]) -> dict[str, Any]:
    seance = await lire_seance(ctx, seance_id)
    if seance["etat"] != "close":
        raise Conflict("Clôturez la séance avant de publier son procès-verbal.", code="seance_non_close")
    pv = await ctx.documents.get("proces_verbaux", seance_id)
    if pv is None:
        raise NotFound("Aucun procès-verbal rédigé.", code="pv_introuvable")
    pv.update(publie=True, publie_le=maintenant().isoformat(), signe_par=ctx.viewer.display_name)
    await ctx.documents.put("proces_verbaux", seance_id, pv)
    await ctx.events.emit("conseil.proces_verbal_publie", {"seance": seance_id})
    return pv


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
            "parametres", "service", {"cree_le": maintenant().isoformat(), "version": ctx.version}
        )


@hookimpl
async def health(ctx: Ctx) -> HealthReport:
    if await ctx.documents.get("parametres", "service") is None:
        return HealthReport(status="degraded", detail="Service non initialisé.")
    return HealthReport(status="ok")
