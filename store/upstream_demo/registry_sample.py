"""A sample of real collectivités (COG 2026, Etalab ``decoupage-administratif`` 6.0.0, Licence
Ouverte): twelve EPCI and some of their member communes across eight départements.

The demo seeds them when the registry holds fewer collectivités (before the full import), and the
tests use them for population and département tallies. Rows: (siren, kind, EPCI type, name,
INSEE code, population, département, région, EPCI SIREN).
"""

from __future__ import annotations

ROWS: list[tuple[str, str, str, str, str | None, int, str, str, str | None]] = [
    ("200071751", "epci", "CA", "CA du Bassin de Bourg-en-Bresse", None, 135794, "01", "84", None),
    ("210100533", "commune", "", "Bourg-en-Bresse", "01053", 42372, "01", "84", "200071751"),
    ("210104519", "commune", "", "Viriat", "01451", 7102, "01", "84", "200071751"),
    ("210102893", "commune", "", "Péronnas", "01289", 6444, "01", "84", "200071751"),
    ("210103446", "commune", "", "Saint-Denis-lès-Bourg", "01344", 6160, "01", "84", "200071751"),
    ("210100244", "commune", "", "Attignat", "01024", 3409, "01", "84", "200071751"),
    ("210104063", "commune", "", "Servignat", "01406", 186, "01", "84", "200071751"),
    ("210101069", "commune", "", "Cize", "01106", 168, "01", "84", "200071751"),
    ("210103099", "commune", "", "Pouillat", "01309", 77, "01", "84", "200071751"),
    ("240100883", "epci", "CC", "CC de la Plaine de l'Ain", None, 82840, "01", "84", None),
    ("210100046", "commune", "", "Ambérieu-en-Bugey", "01004", 15934, "01", "84", "240100883"),
    ("210102448", "commune", "", "Meximieux", "01244", 8247, "01", "84", "240100883"),
    ("210102026", "commune", "", "Lagnieu", "01202", 7411, "01", "84", "240100883"),
    ("210104501", "commune", "", "Villieu-Loyes-Mollon", "01450", 3849, "01", "84", "240100883"),
    ("210102240", "commune", "", "Loyettes", "01224", 3554, "01", "84", "240100883"),
    ("210102778", "commune", "", "Nivollet-Montgriffon", "01277", 122, "01", "84", "240100883"),
    ("210101903", "commune", "", "Innimond", "01190", 95, "01", "84", "240100883"),
    ("210102794", "commune", "", "Oncieu", "01279", 72, "01", "84", "240100883"),
    ("243500139", "epci", "METRO", "Rennes Métropole", None, 473973, "35", "53", None),
    ("213502388", "commune", "", "Rennes", "35238", 230890, "35", "53", "243500139"),
    ("213500473", "commune", "", "Bruz", "35047", 19683, "35", "53", "243500139"),
    ("213500515", "commune", "", "Cesson-Sévigné", "35051", 18761, "35", "53", "243500139"),
    ("213502818", "commune", "", "Saint-Jacques-de-la-Lande", "35281", 13800, "35", "53", "243500139"),
    ("213500242", "commune", "", "Betton", "35024", 12964, "35", "53", "243500139"),
    ("213500812", "commune", "", "Clayes", "35081", 947, "35", "53", "243500139"),
    ("213501802", "commune", "", "Miniac-sous-Bécherel", "35180", 776, "35", "53", "243500139"),
    ("213500226", "commune", "", "Bécherel", "35022", 677, "35", "53", "243500139"),
    ("242100410", "epci", "METRO", "Dijon Métropole", None, 258630, "21", "27", None),
    ("212102313", "commune", "", "Dijon", "21231", 161830, "21", "27", "242100410"),
    ("212101661", "commune", "", "Chenôve", "21166", 14244, "21", "27", "242100410"),
    ("212106173", "commune", "", "Talant", "21617", 11896, "21", "27", "242100410"),
    ("212101711", "commune", "", "Chevigny-Saint-Sauveur", "21171", 11108, "21", "27", "242100410"),
    ("212102784", "commune", "", "Fontaine-lès-Dijon", "21278", 9252, "21", "27", "242100410"),
    ("212103709", "commune", "", "Magny-sur-Tille", "21370", 874, "21", "27", "242100410"),
    ("212101927", "commune", "", "Corcelles-les-Monts", "21192", 684, "21", "27", "242100410"),
    ("212102701", "commune", "", "Flavignerot", "21270", 232, "21", "27", "242100410"),
    ("246300701", "epci", "METRO", "Clermont Auvergne Métropole", None, 296677, "63", "84", None),
    ("216301135", "commune", "", "Clermont-Ferrand", "63113", 146351, "63", "84", "246300701"),
    ("216301242", "commune", "", "Cournon-d'Auvergne", "63124", 19951, "63", "84", "246300701"),
    ("216300756", "commune", "", "Chamalières", "63075", 17509, "63", "84", "246300701"),
    ("216302844", "commune", "", "Pont-du-Château", "63284", 12412, "63", "84", "246300701"),
    ("216300327", "commune", "", "Beaumont", "63032", 10728, "63", "84", "246300701"),
    ("216302729", "commune", "", "Pérignat-lès-Sarliève", "63272", 2872, "63", "84", "246300701"),
    ("216302547", "commune", "", "Nohanent", "63254", 2203, "63", "84", "246300701"),
    ("216301416", "commune", "", "Durtol", "63141", 1914, "63", "84", "246300701"),
    ("243300316", "epci", "METRO", "Bordeaux Métropole", None, 843738, "33", "75", None),
    ("213300635", "commune", "", "Bordeaux", "33063", 267991, "33", "75", "243300316"),
    ("213302813", "commune", "", "Mérignac", "33281", 78090, "33", "75", "243300316"),
    ("213303183", "commune", "", "Pessac", "33318", 67339, "33", "75", "243300316"),
    ("213305220", "commune", "", "Talence", "33522", 46338, "33", "75", "243300316"),
    ("213305501", "commune", "", "Villenave-d'Ornon", "33550", 42545, "33", "75", "243300316"),
    ("213300049", "commune", "", "Ambès", "33004", 3313, "33", "75", "243300316"),
    ("213304348", "commune", "", "Saint-Louis-de-Montferrand", "33434", 2051, "33", "75", "243300316"),
    ("213304876", "commune", "", "Saint-Vincent-de-Paul", "33487", 1067, "33", "75", "243300316"),
    ("200040715", "epci", "METRO", "Grenoble-Alpes-Métropole", None, 449509, "38", "84", None),
    ("213801855", "commune", "", "Grenoble", "38185", 156140, "38", "84", "200040715"),
    ("213804214", "commune", "", "Saint-Martin-d'Hères", "38421", 37695, "38", "84", "200040715"),
    ("213801517", "commune", "", "Échirolles", "38151", 37491, "38", "84", "200040715"),
    ("213801699", "commune", "", "Fontaine", "38169", 22020, "38", "84", "200040715"),
    ("213802291", "commune", "", "Meylan", "38229", 18770, "38", "84", "200040715"),
    ("213802523", "commune", "", "Montchaboud", "38252", 352, "38", "84", "200040715"),
    ("213804727", "commune", "", "Sarcenas", "38472", 261, "38", "84", "200040715"),
    ("213802580", "commune", "", "Mont-Saint-Martin", "38258", 93, "38", "84", "200040715"),
    ("248000531", "epci", "CA", "CA Amiens Métropole", None, 182854, "80", "32", None),
    ("218000198", "commune", "", "Amiens", "80021", 136449, "80", "32", "248000531"),
    ("218004653", "commune", "", "Longueau", "80489", 5680, "80", "32", "248000531"),
    ("218001576", "commune", "", "Camon", "80164", 4359, "80", "32", "248000531"),
    ("218006815", "commune", "", "Salouël", "80725", 4179, "80", "32", "248000531"),
    ("218006344", "commune", "", "Rivery", "80674", 3636, "80", "32", "248000531"),
    ("218002178", "commune", "", "Creuse", "80225", 186, "80", "32", "248000531"),
    ("218006286", "commune", "", "Remiencourt", "80668", 164, "80", "32", "248000531"),
    ("218006898", "commune", "", "Seux", "80735", 162, "80", "32", "248000531"),
    ("244400404", "epci", "METRO", "Nantes Métropole", None, 683981, "44", "52", None),
    ("214401093", "commune", "", "Nantes", "44109", 327734, "44", "52", "244400404"),
    ("214401622", "commune", "", "Saint-Herblain", "44162", 50973, "44", "52", "244400404"),
    ("214401432", "commune", "", "Rezé", "44143", 43556, "44", "52", "244400404"),
    ("214401903", "commune", "", "Saint-Sébastien-sur-Loire", "44190", 28596, "44", "52", "244400404"),
    ("214401143", "commune", "", "Orvault", "44114", 28534, "44", "52", "244400404"),
    ("214400947", "commune", "", "Mauves-sur-Loire", "44094", 3409, "44", "52", "244400404"),
    ("214400244", "commune", "", "Brains", "44024", 2709, "44", "52", "244400404"),
    ("214401713", "commune", "", "Saint-Léger-les-Vignes", "44171", 2171, "44", "52", "244400404"),
    ("200006930", "epci", "CC", "CC du Haut Allier Margeride", None, 5167, "48", "76", None),
    ("214800807", "commune", "", "Langogne", "48080", 2836, "48", "76", "200006930"),
    ("200083343", "commune", "", "Bel-Air-Val-d'Ance", "48038", 532, "48", "76", "200006930"),
    ("200054534", "commune", "", "Naussac-Fontanes", "48105", 372, "48", "76", "200006930"),
    ("214800104", "commune", "", "Auroux", "48010", 364, "48", "76", "200006930"),
    ("200064673", "commune", "", "Saint Bonnet-Laval", "48139", 258, "48", "76", "200006930"),
    ("214801508", "commune", "", "Saint-Flour-de-Mercoire", "48150", 185, "48", "76", "200006930"),
    ("214800419", "commune", "", "Chastanier", "48041", 76, "48", "76", "200006930"),
    ("214800484", "commune", "", "Cheylard-l'Évêque", "48048", 65, "48", "76", "200006930"),
    ("200041556", "epci", "CC", "CC Portes de la Creuse en Marche", None, 6630, "23", "75", None),
    ("212302509", "commune", "", "Bonnat", "23025", 1357, "23", "75", "200041556"),
    ("212308902", "commune", "", "Genouillac", "23089", 721, "23", "75", "200041556"),
    ("212311203", "commune", "", "Lourdoueix-Saint-Pierre", "23112", 711, "23", "75", "200041556"),
    ("212313902", "commune", "", "Moutier-Malcard", "23139", 558, "23", "75", "200041556"),
    ("212305700", "commune", "", "Châtelus-Malvaleix", "23057", 545, "23", "75", "200041556"),
    ("212325203", "commune", "", "Tercillat", "23252", 158, "23", "75", "200041556"),
    ("212308407", "commune", "", "La Forêt-du-Temple", "23084", 143, "23", "75", "200041556"),
    ("212309801", "commune", "", "Jalesches", "23098", 95, "23", "75", "200041556"),
    ("200044014", "epci", "CC", "CC Creuse Grand Sud", None, 11509, "23", "75", None),
    ("212300800", "commune", "", "Aubusson", "23008", 3018, "23", "75", "200044014"),
    ("212307904", "commune", "", "Felletin", "23079", 1577, "23", "75", "200044014"),
    ("212325708", "commune", "", "Vallière", "23257", 705, "23", "75", "200044014"),
    ("212302400", "commune", "", "Blessac", "23024", 525, "23", "75", "200044014"),
    ("212318000", "commune", "", "Saint-Amand", "23180", 449, "23", "75", "200044014"),
    ("212321202", "commune", "", "Saint-Marc-à-Loubaud", "23212", 126, "23", "75", "200044014"),
    ("212319404", "commune", "", "Sainte-Feyre-la-Montagne", "23194", 121, "23", "75", "200044014"),
    ("212326409", "commune", "", "La Villedieu", "23264", 52, "23", "75", "200044014"),
]


async def ensure_sample_registry() -> int:
    """Insert the sample rows and memberships that are missing; returns how many were added."""
    from store.registry.siren import fold
    from store.registry.tables import Collectivite, CollectiviteMember

    existing = {
        r["siren"]
        for r in await Collectivite.select(Collectivite.siren).where(
            Collectivite.siren.is_in([r[0] for r in ROWS])
        )
    }
    fresh = [r for r in ROWS if r[0] not in existing]
    # EPCI first: communes refer to them.
    fresh.sort(key=lambda r: r[1] != "epci")
    for siren, kind, subkind, name, insee, population, dep, region, epci in fresh:
        await Collectivite.insert(
            Collectivite(
                siren=siren,
                kind=kind,
                subkind=subkind,
                name=name,
                name_search=fold(name),
                insee_code=insee,
                population=population,
                population_year=2023,
                cog_year=2026,
                departement_code=dep,
                region_code=region,
                epci_siren=epci,
            )
        ).on_conflict(action="DO NOTHING")
    pairs = [(r[8], r[0]) for r in ROWS if r[8]]
    known = {
        (r["group"], r["member"])
        for r in await CollectiviteMember.select(CollectiviteMember.group, CollectiviteMember.member).where(
            CollectiviteMember.group.is_in(sorted({g for g, _ in pairs}))
        )
    }
    missing = [p for p in pairs if p not in known]
    if missing:
        await CollectiviteMember.insert(*[CollectiviteMember(group=g, member=m) for g, m in missing])
    return len(fresh)
