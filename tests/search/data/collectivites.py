"""A deterministic synthetic registry shaped like France's: ~35 000 commune-like names with many
homonyms (Saint-Martin, Villeneuve, Beaumont… in many départements), EPCI, départements and régions,
plus real anchors (Saint-Étienne, Saint-Étienne-du-Rouvray, Châlons-en-Champagne, Chalon-sur-Saône…)
used by the judgment set. Used until the real dataset is committed."""

from __future__ import annotations

import random
from typing import Any

from tests.search.data.geo import DEPARTEMENTS, REGIONS

SAINTS = [
    "Martin",
    "Jean",
    "Pierre",
    "Germain",
    "Laurent",
    "Étienne",
    "Julien",
    "Hilaire",
    "Aubin",
    "Denis",
    "Georges",
    "Maurice",
    "Michel",
    "Vincent",
    "Paul",
    "André",
    "Didier",
    "Sulpice",
    "Médard",
    "Rémy",
    "Cyr",
    "Genès",
    "Symphorien",
    "Loup",
    "Ouen",
    "Aignan",
    "Brice",
    "Marcel",
    "Christophe",
    "Sauveur",
    "Amand",
    "Léger",
    "Front",
    "Privat",
    "Romain",
    "Sébastien",
    "Thibault",
    "Vaast",
    "Yrieix",
    "Éloi",
    "Fargeau",
    "Florent",
    "Gervais",
]
SAINTES = [
    "Marie",
    "Colombe",
    "Foy",
    "Croix",
    "Anne",
    "Geneviève",
    "Hélène",
    "Cécile",
    "Radegonde",
    "Gemme",
    "Eulalie",
    "Livrade",
    "Marguerite",
]
BASES = [
    "Beaumont",
    "Villeneuve",
    "Montigny",
    "Fontaine",
    "Neuville",
    "Châteauneuf",
    "Bourg",
    "Marcilly",
    "Vernon",
    "Aubigny",
    "Bellevue",
    "Lussac",
    "Mérignac",
    "Pessac",
    "Talence",
    "Villers",
    "Montreuil",
    "Chaumont",
    "Clermont",
    "Rochefort",
    "Ribérac",
    "Brantôme",
    "Vic",
    "Lévignac",
    "Aurec",
    "Bruyères",
    "Épinay",
    "Évry",
    "Écouen",
    "Œting",
    "Ancerville",
    "Blanzy",
    "Cercy",
    "Dampierre",
    "Esnes",
    "Ferrières",
    "Gouy",
    "Houdan",
    "Isles",
    "Jouy",
    "Lacroix",
    "Louvigny",
    "Magny",
    "Mesnil",
    "Moncel",
    "Nogent",
    "Orville",
    "Pouilly",
    "Quincy",
    "Rosières",
    "Sancy",
    "Savigny",
    "Thiers",
    "Torcy",
    "Varennes",
    "Vaux",
    "Vivier",
    "Autrey",
    "Bazoches",
    "Bernay",
    "Bréhal",
    "Castelnau",
    "Cazères",
    "Chambon",
    "Chantemerle",
    "Coulonges",
    "Crécy",
    "Dompierre",
    "Fresnes",
    "Giverny",
    "Lagny",
    "Lignières",
    "Lormes",
    "Marigny",
    "Mézières",
    "Montbazon",
    "Montfort",
    "Moulins",
    "Oulches",
    "Pontarlier",
    "Préaux",
    "Rignac",
    "Sainville",
    "Serres",
    "Souvigny",
    "Tourville",
    "Vaucouleurs",
    "Verneuil",
    "Vitry",
    "Yzeure",
    "Allonnes",
    "Aubusson",
    "Azay",
    "Bléré",
    "Boussac",
    "Brienne",
    "Chalonnes",
    "Champigny",
    "Chevilly",
    "Cormeilles",
    "Courtenay",
    "Donzy",
    "Fleury",
    "Gisors",
    "Joinville",
    "Lunel",
    "Marnay",
    "Meung",
    "Nérac",
    "Noyers",
    "Pithiviers",
    "Prades",
    "Revel",
    "Saulieu",
    "Sully",
    "Tonnerre",
    "Vézelay",
    "Ambérieu",
]
RIVERS = [
    "Loire",
    "Seine",
    "Marne",
    "Saône",
    "Rhône",
    "Garonne",
    "Dordogne",
    "Lot",
    "Tarn",
    "Vienne",
    "Cher",
    "Indre",
    "Oise",
    "Aisne",
    "Meuse",
    "Moselle",
    "Somme",
    "Orne",
    "Sarthe",
    "Mayenne",
    "Allier",
    "Yonne",
    "Aube",
    "Eure",
    "Charente",
    "Vilaine",
    "Isère",
    "Durance",
    "Ain",
    "Doubs",
    "Mer",
    "Creuse",
    "Vézère",
    "Ource",
]
PAYS = [
    "Bresse",
    "Champagne",
    "Bugey",
    "Brie",
    "Gâtinais",
    "Vexin",
    "Auge",
    "Caux",
    "Médoc",
    "Forez",
    "Velay",
    "Quercy",
    "Périgord",
    "Argonne",
    "Woëvre",
]
ARTICLES = ("le", "la", "les")
TAILS = ("Bois", "Château", "Mont", "Val", "Pont", "Haut", "Bas", "Grand", "Petit", "Vieux")

# (name, kind, departement, population)
ANCHORS: list[tuple[str, str, str, int]] = [
    ("Saint-Étienne", "commune", "42", 172_565),
    ("Saint-Étienne-du-Rouvray", "commune", "76", 28_696),
    ("Saint-Étienne-de-Tinée", "commune", "06", 1_364),
    ("Châlons-en-Champagne", "commune", "51", 44_379),
    ("Chalon-sur-Saône", "commune", "71", 45_046),
    ("Paris", "commune", "75", 2_113_705),
    ("Lyon", "commune", "69", 520_774),
    ("Marseille", "commune", "13", 873_076),
    ("Bordeaux", "commune", "33", 261_804),
    ("Nantes", "commune", "44", 323_204),
    ("Lille", "commune", "59", 236_710),
    ("Rennes", "commune", "35", 227_830),
    ("Reims", "commune", "51", 180_318),
    ("Le Havre", "commune", "76", 166_462),
    ("Grenoble", "commune", "38", 156_389),
    ("Dijon", "commune", "21", 159_346),
    ("Angers", "commune", "49", 157_555),
    ("Nîmes", "commune", "30", 148_561),
    ("Aix-en-Provence", "commune", "13", 147_478),
    ("Bourg-en-Bresse", "commune", "01", 42_159),
    ("Ambérieu-en-Bugey", "commune", "01", 14_644),
    ("Saint-Denis", "commune", "93", 113_942),
    ("Saint-Denis", "commune", "974", 153_810),
    ("Saint-Paul", "commune", "974", 105_482),
    ("Saint-Malo", "commune", "35", 47_255),
    ("Saint-Nazaire", "commune", "44", 71_887),
    ("Saint-Quentin", "commune", "02", 52_563),
    ("Saint-Brieuc", "commune", "22", 44_170),
    ("Saint-Maur-des-Fossés", "commune", "94", 75_298),
    ("Villeurbanne", "commune", "69", 156_928),
    ("Boulogne-Billancourt", "commune", "92", 121_583),
    ("L'Haÿ-les-Roses", "commune", "94", 31_445),
    ("Œuilly", "commune", "51", 205),
    ("Bœrsch", "commune", "67", 2_454),
    ("Montreuil", "commune", "93", 111_367),
    ("Montreuil", "commune", "62", 1_946),
    ("Beaune", "commune", "21", 20_527),
    ("Besançon", "commune", "25", 119_198),
    ("Évry-Courcouronnes", "commune", "91", 67_045),
    ("Sainte-Foy-lès-Lyon", "commune", "69", 22_164),
    ("Metz", "commune", "57", 120_874),
    ("Pau", "commune", "64", 75_665),
    ("Vannes", "commune", "56", 54_420),
]
EPCI_PATTERNS = (
    ("CC", "CC du Pays de {x}"),
    ("CC", "CC {x} Communauté"),
    ("CC", "Communauté de communes de {x}"),
    ("CA", "CA du Bassin de {x}"),
    ("CA", "Communauté d'agglomération de {x}"),
    ("CU", "Communauté urbaine de {x}"),
    ("METRO", "{x} Métropole"),
)


def luhn_siren(seed: int) -> str:
    base = f"{seed % 100_000_000:08d}"
    for check in range(10):
        digits = base + str(check)
        total = 0
        for i, char in enumerate(reversed(digits)):
            value = int(char) * (2 if i % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError


def _commune_name(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.16:
        name = "Saint-" + rnd.choice(SAINTS)
    elif roll < 0.20:
        name = "Sainte-" + rnd.choice(SAINTES)
    else:
        name = rnd.choice(BASES)
    extra = rnd.random()
    if extra < 0.22:
        name += "-sur-" + rnd.choice(RIVERS)
    elif extra < 0.32:
        name += "-en-" + rnd.choice(PAYS)
    elif extra < 0.42:
        name += f"-{rnd.choice(ARTICLES)}-{rnd.choice(TAILS)}"
    elif extra < 0.50:
        name += "-lès-" + rnd.choice(BASES)
    elif extra < 0.56:
        name = f"{rnd.choice(['Le', 'La', 'Les'])} {name}"
    elif extra < 0.62:
        name += "-" + rnd.choice(TAILS)
    return name


def registry(communes: int = 35_000, epci: int = 1_250, seed: int = 42) -> list[dict[str, Any]]:
    """Registry-shaped rows (``siren, kind, subkind, name, insee_code, population, departement_code,
    region_code, epci_siren``), deterministic for a seed."""
    rnd = random.Random(seed)
    codes = list(DEPARTEMENTS)
    rows: list[dict[str, Any]] = []
    counter = 20_000_000

    def add(name: str, kind: str, dep: str | None, population: int, subkind: str = "") -> None:
        nonlocal counter
        counter += 1
        region = DEPARTEMENTS[dep][1] if dep else None
        rows.append(
            {
                "siren": luhn_siren(counter),
                "kind": kind,
                "subkind": subkind,
                "name": name,
                "insee_code": f"{dep[:2]}{counter % 1000:03d}" if kind == "commune" and dep else None,
                "population": population,
                "departement_code": dep,
                "region_code": region,
                "epci_siren": None,
            }
        )

    for code, (name, _region) in DEPARTEMENTS.items():
        add(name, "departement", code, rnd.randint(80_000, 2_600_000))
    for code, name in REGIONS.items():
        counter += 1
        rows.append(
            {
                "siren": luhn_siren(counter),
                "kind": "region",
                "subkind": "",
                "name": name,
                "insee_code": None,
                "population": rnd.randint(250_000, 12_000_000),
                "departement_code": None,
                "region_code": code,
                "epci_siren": None,
            }
        )
    for name, kind, dep, population in ANCHORS:
        add(name, kind, dep, population)
    for _ in range(communes - len(ANCHORS)):
        population = max(20, int(rnd.lognormvariate(6.3, 1.25)))
        add(_commune_name(rnd), "commune", rnd.choice(codes), population)
    for _ in range(epci):
        subkind, pattern = rnd.choice(EPCI_PATTERNS)
        seat = rnd.choice(BASES + PAYS)
        add(pattern.format(x=seat), "epci", rnd.choice(codes), rnd.randint(3_000, 600_000), subkind)
    return rows


def departement_names() -> dict[str, str]:
    return {code: name for code, (name, _region) in DEPARTEMENTS.items()}
