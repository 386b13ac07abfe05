"""The registry of external agencies and the rule that picks one for a location.

Data, not code: ``dispatch/handoff/data/agencies.json`` (or the file named by
``HANDOFF_AGENCIES_PATH``). Each agency covers a region given as any of:

* ``polygon`` — a GeoJSON Polygon/MultiPolygon in WGS-84 (the most specific match wins);
* ``cities`` — city names as the geo stage reports them (``location.city``, or
  ``location.county`` for a county-level city such as 张家港市, which has its own police);
* ``provinces`` — province names (``location.province``), the fallback: the built-in
  file names the police of every province, so any place in China that the geo stage
  names gets an agency even when its city has no entry.

Webhook URLs and shared secrets are deployment facts: an entry names environment
variables (``webhook_url_env``, ``secret_env``) or, in a deployment's own file, holds
them (``webhook_url``, ``secret``). An agency without a secret cannot acknowledge by
signed request; the command centre then records its acknowledgment taken by phone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dispatch.handoff.errors import RegistryError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
POLICE = "police"
HOTLINE_12345 = "hotline_12345"
KINDS = (POLICE, HOTLINE_12345)


@dataclass(frozen=True, slots=True)
class Agency:
    """An agency the centre hands over to (or the centre itself, as the sender)."""

    id: str
    name: str
    kind: str = POLICE
    cities: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    region: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    webhook_url: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)
    phone: str | None = None
    domain: str | None = None

    @property
    def eido_id(self) -> str:
        """The agency's id in EIDO packets: a domain name (NENA-STA-021 agency ids are
        globally unique domain names). The registry's ``domain`` when given, else derived
        from the id (``police.baotou`` → ``baotou.police.cn``), a placeholder a deployment
        replaces with the agency's real domain."""
        derived = ".".join(reversed(self.id.lower().replace("_", "-").split(".")))
        return self.domain or f"{derived}.cn"

    def public(self) -> dict[str, Any]:
        """What the API shows about the agency (never the secret)."""
        return {"id": self.id, "name": self.name, "kind": self.kind, "phone": self.phone,
                "domain": self.eido_id,
                "webhook": bool(self.webhook_url), "signed_acks": bool(self.secret)}


@dataclass(frozen=True)
class Registry:
    """The sender and the agencies it may hand over to.

    Polygons are built on first use (shapely loads in ~1 s), so the webhook jobs, which
    never choose an agency, stay quick to start.
    """

    sender: Agency
    agencies: tuple[Agency, ...]

    @cached_property
    def shapes(self) -> dict[str, BaseGeometry]:
        """The agencies' polygons by agency id.

        Raises:
            RegistryError: a polygon is not a valid GeoJSON Polygon or MultiPolygon.
        """
        from shapely.geometry import shape

        out = {}
        for a in self.agencies:
            if a.region is None:
                continue
            try:
                geometry = shape(a.region)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise RegistryError(f"agency {a.id}: polygon is not GeoJSON: {exc}") from exc
            if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
                raise RegistryError(f"agency {a.id}: polygon must be a valid Polygon or "
                                    "MultiPolygon")
            out[a.id] = geometry
        return out

    def get(self, agency_id: str) -> Agency | None:
        """The agency with that id, if registered."""
        return next((a for a in self.agencies if a.id == agency_id), None)

    def hotline(self) -> Agency | None:
        """The 12345 hotline the centre transfers non-police matters to."""
        return next((a for a in self.agencies if a.kind == HOTLINE_12345), None)

    def choose(self, location: Mapping[str, Any]) -> Agency | None:
        """The police agency responsible for ``location`` (a geo stage result).

        Order: the smallest polygon containing the point, then an agency naming the
        county (a county-level city), then one naming the city, then one naming the
        province. None when nobody covers it: the command centre arranges the hand-over
        by phone.
        """
        police = [a for a in self.agencies if a.kind == POLICE]
        lat, lon = location.get("lat"), location.get("lon")
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
            import shapely

            point = shapely.Point(float(lon), float(lat))
            shapes = self.shapes
            inside = [a for a in police if a.id in shapes and shapes[a.id].covers(point)]
            if inside:
                return min(inside, key=lambda a: shapes[a.id].area)
        for key in ("county", "city"):
            name = location.get(key)
            if name:
                found = next((a for a in police if name in a.cities), None)
                if found:
                    return found
        province = location.get("province")
        if province:
            return next((a for a in police if province in a.provinces), None)
        return None


def _text(entry: Mapping[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: '{name}' must be a non-empty string")
    return value


def _names(entry: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = entry.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}: '{name}' must be a list of names")
    return tuple(value)


def _agency(entry: Any, env: Mapping[str, str], where: str) -> Agency:
    if not isinstance(entry, Mapping):
        raise RegistryError(f"{where}: each agency must be an object")
    kind = entry.get("kind", POLICE)
    if kind not in KINDS:
        raise RegistryError(f"{where}: kind must be one of {', '.join(KINDS)}")
    region = entry.get("polygon")
    if region is not None and not isinstance(region, Mapping):
        raise RegistryError(f"{where}: polygon must be a GeoJSON geometry object")
    url = entry.get("webhook_url") or (env.get(entry["webhook_url_env"])
                                       if entry.get("webhook_url_env") else None)
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise RegistryError(f"{where}: webhook_url must be an http(s) URL")
    domain = entry.get("domain")
    if domain is not None and not (isinstance(domain, str) and _DOMAIN.match(domain)):
        raise RegistryError(f"{where}: domain must be a lower-case domain name")
    secret = entry.get("secret") or (env.get(entry["secret_env"])
                                     if entry.get("secret_env") else None)
    return Agency(id=_text(entry, "id", where), name=_text(entry, "name", where), kind=kind,
                  cities=_names(entry, "cities", where),
                  provinces=_names(entry, "provinces", where), region=region,
                  webhook_url=url or None, secret=secret or None,
                  phone=entry.get("phone") if isinstance(entry.get("phone"), str) else None,
                  domain=domain)


def parse_registry(data: Any, env: Mapping[str, str]) -> Registry:
    """Build the registry from the file's JSON and the environment (for URLs and secrets).

    Raises:
        RegistryError: the data is malformed, or two agencies share an id.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("agencies"), Sequence):
        raise RegistryError("the agency registry must be an object with an 'agencies' list")
    sender = _agency(data.get("sender"), env, "sender")
    agencies = tuple(_agency(e, env, f"agencies[{i}]") for i, e in enumerate(data["agencies"]))
    ids = [a.id for a in agencies]
    if len(ids) != len(set(ids)) or sender.id in ids:
        raise RegistryError("agency ids must be unique (and differ from the sender's)")
    return Registry(sender, agencies)
