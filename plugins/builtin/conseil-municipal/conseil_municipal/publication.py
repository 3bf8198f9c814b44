"""Ce que les habitants voient : la liste des délibérations et les procès-verbaux publiés."""

import datetime as dt
from typing import Any

import markupsafe
from litestar import Request, get

from plugins.sdk import PUBLIC, Ctx, FromPath, NotFound, html_page, wants_html

from .registre import lire_seance


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
    seance = await lire_seance(ctx, seance_id)
    return {
        "seance": seance["titre"],
        "date": seance["date"],
        "texte": pv["texte"],
        "publie_le": pv["publie_le"],
    }
