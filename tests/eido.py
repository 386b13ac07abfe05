"""Checks an EIDO document against the vendored NENA schema, the way an outside agency would.

Two layers:

* :func:`schema_findings` — ``openapi-schema-validator`` (OAS 3.0 dialect, format checks
  on) with every ``$ref`` resolved through ``referencing``, into ``openapi.yaml`` and the
  NIEM component files; none of this code is ours, we only wire the files together.
* :func:`profile_findings` — what the schema states only in prose (``description:
  Shall only contain values present in the … registry``, references that must point at
  a component, ids in the ``urn:emergency:uid`` form, jCard, PIDF-LO usage rules) and the
  fields it does not declare (the schema has no ``additionalProperties: false``, so a
  misspelt or invented field would otherwise pass silently).

The sample EIDO of the working group passes both (the control in the tests).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "dispatch" / "handoff" / "schema"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ROOT_URI = (SCHEMA_DIR / "openapi.yaml").as_uri()
EIDO_REF = ROOT_URI + "#/components/schemas/EmergencyIncidentDataObjectType"

# Fields whose values the standard limits to a registry (key → registry name).
REGISTRY_FIELDS = {
    "agencyRoleDescriptionRegistryText": "AgencyRole",
    "incidentTypeCommonRegistryText": "IncidentTypeCommon",
    "incidentStatusCommonRegistryText": "IncidentStatusCommon",
    "dispositionCommonRegistryCode": "Disposition",
    "personIncidentRoleRegistryText": "PersonRole",
    "locationTypeDescriptionRegistryText": "LocationType",
}
URN = re.compile(r"^urn:emergency:uid:(?P<kind>[a-z]+):(?P<local>[A-Za-z0-9]{1,64}):"
                 r"(?P<domain>[a-z0-9.-]+)$")
# A fully qualified name under a top-level domain (a short list: the ones agencies here
# and in the NENA sample use, and RFC 2606's reserved names); ``police.baotou`` is not.
DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.(cn|com|net|org|gov|us|test|example)$")
GEOPRIV = "urn:ietf:params:xml:ns:pidf:geopriv10"
BASIC_POLICY = "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy"


def _fix(node: Any) -> Any:
    """Upstream's one typo: ``minItems: 1,`` (a string) in ``AgentType``."""
    if isinstance(node, dict):
        return {k: (1 if k == "minItems" and v == "1," else _fix(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_fix(v) for v in node]
    return node


@cache
def _load(path: str) -> Resource[Any]:
    data = _fix(yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER))
    return Resource.from_contents(data, default_specification=DRAFT4)


def _retrieve(uri: str) -> Resource[Any]:
    # upstream writes NIEMComponents//j.yaml once
    return _load(re.sub(r"/+", "/", urlsplit(uri).path))


@cache
def _registry() -> Registry[Any]:
    files = [SCHEMA_DIR / "openapi.yaml", *sorted((SCHEMA_DIR / "NIEMComponents").glob("*.yaml"))]
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return registry.with_resources((f.as_uri(), _load(str(f))) for f in files).crawl()


@cache
def registries() -> dict[str, frozenset[str]]:
    """The STA-021 registry values, whitespace-trimmed (see SOURCES.md)."""
    raw = json.loads((SCHEMA_DIR / "registries_sta021.json").read_text(encoding="utf-8"))
    return {name: frozenset(v.strip() for v in values) for name, values in raw.items()}


def schema_findings(document: Mapping[str, Any]) -> list[str]:
    """Every schema error of ``document`` as ``path: message`` (empty: it validates)."""
    validator = OAS30Validator({"$ref": EIDO_REF}, registry=_registry(),
                               format_checker=OAS30Validator.FORMAT_CHECKER)
    return sorted(f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                  for e in validator.iter_errors(document))


def _resolved(schema: Mapping[str, Any], base: str) -> tuple[Mapping[str, Any], str]:
    while "$ref" in schema:
        ref = str(schema["$ref"])
        target = ref if "://" in ref or ref.startswith("file:") else _join(base, ref)
        resolved = _registry().resolver(base_uri=base).lookup(target)
        schema = resolved.contents
        base = target.split("#", 1)[0]
    return schema, base


def _join(base: str, ref: str) -> str:
    if ref.startswith("#"):
        return base + ref
    return (Path(urlsplit(base).path).parent / ref.split("#", 1)[0]).resolve().as_uri() + (
        "#" + ref.split("#", 1)[1] if "#" in ref else "")


def _properties(schema: Mapping[str, Any], base: str) -> dict[str, tuple[Mapping[str, Any], str]]:
    schema, base = _resolved(schema, base)
    out = {k: (v, base) for k, v in (schema.get("properties") or {}).items()}
    for part in schema.get("allOf") or ():
        out.update(_properties(part, base))
    return out


def _undeclared(instance: Any, schema: Mapping[str, Any], base: str,
                path: str) -> Iterator[str]:
    schema, base = _resolved(schema, base)
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            yield from _undeclared(item, schema["items"], base, f"{path}/{i}")
    elif isinstance(instance, dict):
        props = _properties(schema, base)
        if not props:
            return
        for key, value in instance.items():
            if key not in props:
                yield f"{path}/{key}: not a field of the schema (undeclared extension)"
            else:
                yield from _undeclared(value, props[key][0], props[key][1], f"{path}/{key}")


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def _components(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    incident = document.get("incidentComponent")
    if isinstance(incident, Mapping):
        yield "incidentComponent", incident
        for i, d in enumerate(incident.get("dispositionComponent") or ()):
            yield f"incidentComponent/dispositionComponent/{i}", d
    for key, value in document.items():
        if key.endswith("Component") and isinstance(value, list):
            for i, c in enumerate(value):
                yield f"{key}/{i}", c


def _jcard_findings(where: str, text: Any) -> list[str]:
    try:
        card = json.loads(text)
    except (TypeError, ValueError):
        return [f"{where}: not a jCard (RFC 7095): not JSON"]
    if not (isinstance(card, list) and len(card) == 2 and card[0] == "vcard"
            and isinstance(card[1], list)):
        return [f"{where}: not a jCard (RFC 7095): must be [\"vcard\", [properties]]"]
    names = [p[0] for p in card[1] if isinstance(p, list) and len(p) >= 4]
    if len(names) != len(card[1]):
        return [f"{where}: jCard property not [name, params, type, value]"]
    out = []
    if names[:1] != ["version"] or card[1][0][3] != "4.0":
        out.append(f"{where}: jCard must start with version 4.0")
    if "fn" not in names:
        out.append(f"{where}: jCard needs fn")
    return out


def _pidf_findings(where: str, text: str) -> list[str]:
    try:
        root = ET.fromstring(text.split("?>", 1)[1] if text.startswith("<?xml") else text)
    except (ET.ParseError, IndexError) as exc:
        return [f"{where}: PIDF-LO does not parse: {exc}"]
    out = []
    for geopriv in root.iter(f"{{{GEOPRIV}}}geopriv"):
        rules = geopriv.find(f"{{{GEOPRIV}}}usage-rules")
        if rules is None:
            out.append(f"{where}: geopriv without usage-rules (RFC 4119 §2.2.2)")
        elif rules.find(f"{{{BASIC_POLICY}}}retransmission-allowed") is None:
            out.append(f"{where}: usage-rules without retransmission-allowed")
        if geopriv.find(f"{{{GEOPRIV}}}location-info") is None:
            out.append(f"{where}: geopriv without location-info")
    if not list(root.iter(f"{{{GEOPRIV}}}geopriv")):
        out.append(f"{where}: no geopriv element")
    return out


def profile_findings(document: Mapping[str, Any], strict_ids: bool = True) -> list[str]:
    """What the prose of STA-021 requires beyond the schema's types.

    Args:
        document: the EIDO.
        strict_ids: require the ``urn:emergency:uid`` form for every component id (the
            service's own packets); otherwise only for the incident and call ids that
            STA-010 defines (the upstream sample uses UUIDs for the rest).
    """
    regs = registries()
    out: list[str] = []
    ids = {str(c.get("$id")): where for where, c in _components(document)}
    ids[str(document.get("$id"))] = "(root)"
    agencies = {str(a.get("$id")) for a in document.get("agencyComponent") or ()}
    agents = {str(a.get("$id")) for a in document.get("agentComponent") or ()}
    for path, key, value in _walk(document):
        if key in REGISTRY_FIELDS:
            name = REGISTRY_FIELDS[key]
            for v in value if isinstance(value, list) else [value]:
                if str(v).strip() not in regs[name]:
                    out.append(f"{path}/{key}: {v!r} is not in the {name} registry")
        if key == "$ref" and isinstance(value, str):
            if path.lower().endswith("agencyreference"):  # also updatedByAgencyReference
                if value not in agencies:
                    out.append(f"{path}: agency {value!r} has no agencyComponent")
            elif path.lower().endswith("agentreference"):  # also updatedByAgentReference
                if value not in agents:
                    out.append(f"{path}: agent {value!r} has no agentComponent")
            elif value not in ids:
                out.append(f"{path}: reference {value!r} points at no component")
    for where, c in _components(document):
        cid = str(c.get("$id"))
        if where.startswith("agencyComponent"):
            if not DOMAIN.match(cid):
                out.append(f"{where}/$id: agency id {cid!r} is not a domain name")
            if "agencyJcard" in c:
                out.extend(_jcard_findings(f"{where}/agencyJcard", c["agencyJcard"]))
        elif where.startswith("agentComponent"):
            if "@" not in cid or not DOMAIN.match(cid.rsplit("@", 1)[1]):
                out.append(f"{where}/$id: agent id {cid!r} is not name@agency-domain")
        elif strict_ids or where.split("/")[0] in ("incidentComponent", "callComponent"):
            m = URN.match(cid)
            if not m or not DOMAIN.match(m["domain"]):
                out.append(f"{where}/$id: {cid!r} is not urn:emergency:uid:<kind>:<id>:<domain>")
        if "locationByValue" in c:
            out.extend(_pidf_findings(f"{where}/locationByValue", str(c["locationByValue"])))
    if not DOMAIN.match(str(document.get("issuingElementIdentification", ""))):
        out.append("issuingElementIdentification: not a domain name")
    declared = set(document.get("eidoExtensionId") or ())
    for where, c in _components(document):
        ext = c.get("additionalDataByValue")
        if where.startswith("additionalDataComponent") and isinstance(ext, str) \
                and ext.lstrip().startswith("{"):
            named = json.loads(ext).get("extension")
            if named not in declared:
                out.append(f"{where}: extension {named!r} not declared in eidoExtensionId")
    out.extend(_undeclared(document, {"$ref": EIDO_REF}, ROOT_URI, ""))
    return sorted(out)


def findings(document: Mapping[str, Any], strict_ids: bool = True) -> list[str]:
    """Schema and profile findings together."""
    return schema_findings(document) + profile_findings(document, strict_ids)
