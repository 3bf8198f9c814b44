"""Service configuration: a small, documented schema declared in the manifest, checked by the store.

Each ``[config.<name>]`` table of ``territoires-plugin.toml`` describes one field (see
``docs/plugins.md``). The store validates a collectivité's configuration against it before any
hook runs; the plugin reads the clean values, defaults applied, from ``ctx.config``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import msgspec

ConfigType = Literal[
    "string", "text", "integer", "number", "boolean", "email", "url", "phone", "choice", "list"
]
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_TEXT = 20_000


class ConfigField(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    type: ConfigType
    label: str
    help: str = ""
    required: bool = False
    default: Any = None
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: list[str] = []
    secret: bool = False


class ConfigInvalid(ValueError):
    """The configuration does not match the schema; ``errors`` holds (field, French message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f} : {m}" for f, m in errors))
        self.errors = errors


def normalise_phone(value: str) -> str:
    """French numbers: ``01 23 45 67 89`` → ``0123456789``; ``+33 1 23…`` kept international; short
    numbers (``3939``, ``115``) as they are. Raises ValueError."""
    compact = re.sub(r"[\s.\-()\u00a0]", "", value)
    if re.fullmatch(r"0[1-9]\d{8}", compact) or re.fullmatch(r"\+[1-9]\d{7,14}", compact):
        return compact
    if re.fullmatch(r"1\d{1,2}|3\d{3}|11\d{4}", compact):
        return compact
    raise ValueError(f"« {value} » n'est pas un numéro de téléphone valide.")


def _check_value(name: str, spec: ConfigField, value: Any) -> tuple[Any, str | None]:
    kind = spec.type
    if kind == "boolean":
        return (value, None) if isinstance(value, bool) else (value, "un booléen est attendu")
    if kind in {"integer", "number"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value, "un nombre est attendu"
        if kind == "integer" and not (isinstance(value, int) or float(value).is_integer()):
            return value, "un entier est attendu"
        value = int(value) if kind == "integer" else value
        if spec.min is not None and value < spec.min:
            return value, f"la valeur doit être au moins {spec.min:g}"
        if spec.max is not None and value > spec.max:
            return value, f"la valeur doit être au plus {spec.max:g}"
        return value, None
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return value, "une liste de textes est attendue"
        if spec.min_length is not None and len(value) < spec.min_length:
            return value, f"au moins {spec.min_length} élément(s)"
        if spec.max_length is not None and len(value) > spec.max_length:
            return value, f"au plus {spec.max_length} élément(s)"
        return [v.strip() for v in value], None
    if not isinstance(value, str):
        return value, "un texte est attendu"
    value = value.strip()
    limit = spec.max_length if spec.max_length is not None else (MAX_TEXT if kind == "text" else 500)
    if len(value) > limit:
        return value, f"au plus {limit} caractères"
    if spec.min_length is not None and len(value) < spec.min_length:
        return value, f"au moins {spec.min_length} caractères"
    if kind == "email" and not _EMAIL.match(value):
        return value, "adresse électronique invalide"
    if kind == "url" and not _URL.match(value):
        return value, "adresse web invalide (http:// ou https://)"
    if kind == "phone":
        try:
            value = normalise_phone(value)
        except ValueError as exc:
            return value, str(exc)
    if kind == "choice" and value not in spec.choices:
        return value, "valeur non proposée (" + ", ".join(spec.choices) + ")"
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        return value, "format invalide"
    return value, None


def validate_config(schema: dict[str, ConfigField], values: dict[str, Any]) -> dict[str, Any]:
    """Clean values with defaults applied, or ConfigInvalid listing every problem."""
    errors: list[tuple[str, str]] = []
    clean: dict[str, Any] = {}
    for name in sorted(set(values) - set(schema)):
        errors.append((name, "paramètre inconnu de ce service"))
    for name, spec in schema.items():
        value = values.get(name)
        if value is None or value == "":
            if spec.default is not None:
                clean[name] = spec.default
            elif spec.required:
                errors.append((name, "paramètre obligatoire"))
            else:
                clean[name] = None
            continue
        checked, problem = _check_value(name, spec, value)
        if problem:
            errors.append((name, problem))
        else:
            clean[name] = checked
    if errors:
        raise ConfigInvalid(errors)
    return clean


def schema_problems(schema: dict[str, ConfigField]) -> list[tuple[str, str]]:
    """What is wrong with a declared schema (checked when a release is uploaded)."""
    problems: list[tuple[str, str]] = []
    if len(schema) > 50:
        problems.append(("config", "au plus 50 paramètres"))
    for name, spec in schema.items():
        where = f"config.{name}"
        if not FIELD_NAME.match(name):
            problems.append((where, "nom de paramètre invalide (minuscules, chiffres, _)"))
        if not spec.label.strip():
            problems.append((where, "libellé obligatoire"))
        if spec.type == "choice" and not spec.choices:
            problems.append((where, "un paramètre « choice » doit lister ses choix"))
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            problems.append((where, "min est supérieur à max"))
        if spec.pattern is not None:
            if len(spec.pattern) > 200:
                problems.append((where, "motif trop long"))
            else:
                try:
                    re.compile(spec.pattern)
                except re.error:
                    problems.append((where, "motif (expression régulière) invalide"))
        if spec.default is not None:
            _, problem = _check_value(name, spec, spec.default)
            if problem:
                problems.append((where, f"valeur par défaut invalide : {problem}"))
    return problems


def public_view(schema: dict[str, ConfigField], values: dict[str, Any]) -> dict[str, Any]:
    """Values safe to show: secrets masked."""
    return {k: ("••••••" if schema.get(k) and schema[k].secret and v else v) for k, v in values.items()}
