"""The listing editor form (no JavaScript): HTML fields ⇄ API structs, with French errors per field.

Amounts are typed in euros (``1 200,00``) and stored in cents; VAT is typed in percent (``5,5``)
and stored in basis points. Plans are fixed blocks ``plan-<n>-…``; a block whose kind is empty is
ignored. Tiers are typed one per line: ``3500 : 300`` (up to 3 500 inhabitants, 300 € HT per
year), and ``* : 2500`` for the open-ended last tier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import msgspec

from catalogue.listings.schemas import (
    DEFAULT_VAT_BP,
    FlatPlan,
    ListingCreate,
    ListingUpdate,
    ListingView,
    PerInhabitantPlan,
    Plan,
    TieredPlan,
)
from store.kit.errors import FieldError, translate_validation_message
from store.kit.money import format_eur, parse_eur

TEXT_FIELDS = (
    "name",
    "action",
    "pitch",
    "description_md",
    "maturity",
    "contact_email",
    "website_url",
    "repository_url",
    "licence",
    "deployment_mode",
    "accessibility",
    "funding_origin",
    "logo_url",
)
LIST_FIELDS = ("thematiques", "target_kinds", "procurement_routes")
POPULATION_FIELDS = ("commune_max_population", "epci_max_population")
MIN_PLAN_BLOCKS = 3


@dataclass
class ListingForm:
    """What the form shows: raw values as typed, and errors by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    plans: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    plan_positions: list[int] = field(default_factory=list)
    """For each plan sent to the API, the index of its block in the form."""

    def absorb(self, errors: list[FieldError]) -> None:
        """Show errors reported by the service next to the right field."""
        for error in errors:
            name = error.field
            if match := re.fullmatch(r"plans\[(\d+)\]", name):
                index = int(match[1])
                name = f"plans[{self.plan_positions[index]}]" if index < len(self.plan_positions) else "plans"
            self.errors[name] = error.message


def _euros(cents: int | None) -> str:
    return "" if cents is None else format_eur(cents).replace("\u00a0€", "").replace("\u202f", " ")


def _percent(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return str(whole) if rest == 0 else f"{whole},{rest:02d}".rstrip("0")


def _plan_block(plan: Plan | None) -> dict[str, str]:
    block = {"kind": "", "name": "", "description": "", "amount": "", "floor": "", "cap": "", "tiers": ""}
    block["vat"] = _percent(DEFAULT_VAT_BP)
    if plan is None:
        return block
    block.update(kind=str(type(plan).__struct_config__.tag), name=plan.name, description=plan.description)
    match plan:
        case FlatPlan():
            block.update(amount=_euros(plan.yearly_cents), vat=_percent(plan.vat_rate_bp))
        case PerInhabitantPlan():
            block.update(
                amount=_euros(plan.per_inhabitant_cents),
                floor=_euros(plan.floor_cents) if plan.floor_cents else "",
                cap=_euros(plan.cap_cents),
                vat=_percent(plan.vat_rate_bp),
            )
        case TieredPlan():
            block["tiers"] = "\n".join(
                f"{'*' if t.up_to_population is None else t.up_to_population} : {_euros(t.amount_cents)}"
                for t in plan.tiers
            )
            block["vat"] = _percent(plan.vat_rate_bp)
    return block


def empty_form() -> ListingForm:
    values: dict[str, Any] = dict.fromkeys(
        (*TEXT_FIELDS, *POPULATION_FIELDS, "slug", "required_services", "plugin_id"), ""
    )
    values.update(maturity="beta", deployment_mode="saas_mutualise", accessibility="non_evalue")
    values.update({name: [] for name in LIST_FIELDS})
    return ListingForm(values=values, plans=[_plan_block(None) for _ in range(MIN_PLAN_BLOCKS)])


def form_from_listing(listing: ListingView) -> ListingForm:
    form = empty_form()
    for name in TEXT_FIELDS:
        form.values[name] = getattr(listing, name)
    form.values["slug"] = listing.slug
    form.values["thematiques"] = [t.slug for t in listing.thematiques]
    form.values["target_kinds"] = list(listing.target_kinds)
    form.values["procurement_routes"] = list(listing.procurement_routes)
    for name in POPULATION_FIELDS:
        value = getattr(listing, name)
        form.values[name] = "" if value is None else str(value)
    form.values["required_services"] = ", ".join(listing.required_services)
    form.values["plugin_id"] = listing.plugin_id or ""
    blocks = [_plan_block(p) for p in listing.plans]
    form.plans = blocks + [_plan_block(None) for _ in range(max(1, MIN_PLAN_BLOCKS - len(blocks)))]
    return form


def _money(text: str, where: str, errors: dict[str, str]) -> int | None:
    if not text.strip():
        return None
    try:
        cents = parse_eur(text)
    except ValueError:
        errors[where] = f"montant invalide « {text} » (exemple : 1 200,00)"
        return None
    if cents < 0:
        errors[where] = "un montant ne peut pas être négatif"
        return None
    return cents


def _vat(text: str, where: str, errors: dict[str, str]) -> int:
    match = re.fullmatch(r"\s*(\d{1,3})(?:[,.](\d{1,2}))?\s*%?\s*", text or "")
    if not match:
        errors[where] = f"taux de TVA invalide « {text} » (exemple : 20 ou 5,5)"
        return DEFAULT_VAT_BP
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))


def _tiers(text: str, where: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    tiers: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        bound, _, amount = line.partition(":")
        bound = re.sub(r"[\s\u202f\u00a0]", "", bound)
        cents = _money(amount, where, errors)
        if bound != "*" and not bound.isdigit():
            errors[where] = f"ligne {number} : écrivez « population : montant », ou « * : montant »"
        if cents is None and where not in errors:
            errors[where] = f"ligne {number} : montant manquant"
        if where in errors:
            return []
        tiers.append({"up_to_population": None if bound == "*" else int(bound), "amount_cents": cents})
    if not tiers:
        errors[where] = "indiquez au moins une tranche"
    return tiers


def _plan(index: int, block: dict[str, str], errors: dict[str, str]) -> dict[str, Any] | None:
    kind = block["kind"]
    if not kind:
        return None
    where = f"plans[{index}]"
    plan: dict[str, Any] = {"kind": kind, "name": block["name"].strip(), "description": block["description"]}
    if not plan["name"]:
        errors[where] = "donnez un nom à l'offre"
    if kind == "free":
        return plan
    plan["vat_rate_bp"] = _vat(block["vat"], where, errors)
    if kind == "flat":
        plan["yearly_cents"] = _money(block["amount"], where, errors)
        if plan["yearly_cents"] is None and where not in errors:
            errors[where] = "indiquez le montant annuel HT"
    elif kind == "per_inhabitant":
        plan["per_inhabitant_cents"] = _money(block["amount"], where, errors)
        if plan["per_inhabitant_cents"] is None and where not in errors:
            errors[where] = "indiquez le prix HT par habitant"
        plan["floor_cents"] = _money(block["floor"], where, errors) or 0
        plan["cap_cents"] = _money(block["cap"], where, errors)
    elif kind == "tiered":
        plan["tiers"] = _tiers(block["tiers"], where, errors)
    return plan


def read_form(raw: Any, *, creating: bool) -> ListingForm:
    """Collect the form's raw values (for redisplay) from a Litestar FormMultiDict."""
    form = empty_form()
    names = (*TEXT_FIELDS, *POPULATION_FIELDS, "required_services", "plugin_id") + (
        ("slug",) if creating else ()
    )
    for name in names:
        if name in raw:
            form.values[name] = str(raw.get(name) or "")
    for name in LIST_FIELDS:
        form.values[name] = [str(v) for v in raw.getall(name, [])]
    count = int(raw.get("plan_count", MIN_PLAN_BLOCKS) or MIN_PLAN_BLOCKS)
    form.plans = [
        {key: str(raw.get(f"plan-{i}-{key}", "") or "") for key in _plan_block(None)}
        for i in range(min(count, 10))
    ]
    return form


def to_struct(form: ListingForm, *, creating: bool) -> ListingCreate | ListingUpdate | None:
    """The API struct for the form, or None with ``form.errors`` filled."""
    errors = form.errors
    data: dict[str, Any] = {name: form.values[name] for name in (*TEXT_FIELDS, *LIST_FIELDS)}
    for name in POPULATION_FIELDS:
        text = re.sub(r"[\s\u202f\u00a0]", "", form.values[name])
        if text and not text.isdigit():
            errors[name] = "nombre d'habitants invalide"
        data[name] = int(text) if text.isdigit() else None
    data["required_services"] = [s.strip() for s in form.values["required_services"].split(",") if s.strip()]
    data["plugin_id"] = form.values["plugin_id"].strip() or None
    plans = [_plan(i, block, errors) for i, block in enumerate(form.plans)]
    data["plans"] = [p for p in plans if p is not None]
    form.plan_positions = [i for i, p in enumerate(plans) if p is not None]
    if creating:
        data["slug"] = form.values["slug"].strip()
    if errors:
        return None
    try:
        if creating:
            return msgspec.convert(data, ListingCreate)
        return msgspec.convert(data, ListingUpdate)
    except msgspec.ValidationError as exc:
        message = str(exc)
        found = re.search(r"at `\$\.([A-Za-z_]+(?:\[\d+\])?)", message)
        form.absorb([FieldError(found[1] if found else "formulaire", translate_validation_message(message))])
        return None
