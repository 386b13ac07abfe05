"""``locate()``: combine device coordinates, address text and weak hints into a Location.

Combination rules (the 110 call-taker's order of trust):

* A device fix with good accuracy (``GEO_GOOD_ACCURACY_M``, default 200 m) wins. If
  the text points elsewhere (farther than both uncertainties allow), that is reported
  as a warning, never silently overridden either way.
* A poor device fix and a text estimate that agree are fused (inverse-variance mean);
  if they disagree, the tighter of the two is kept and the conflict is a warning.
* ``region_hint`` (an IP or carrier region such as "内蒙古包头市") and ``activity`` (a
  recent device trail) are weak signals used when nothing better exists.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

import shapely

from geo import layers
from geo.address import normalise, parse
from geo.crs import distance_m, to_wgs84
from geo.errors import InvalidCoordinates
from geo.gazetteer import Gazetteer, gazetteer
from geo.jurisdiction import Jurisdiction, judge
from geo.model import DevicePoint, Location, Precinct, unplaced
from geo.national import reverse
from geo.resolve import Estimate, resolve
from geo.settings import get_settings
from geo.sounds import respell

_UNKNOWN_ACCURACY_M = 300.0  # a fix without accuracy is treated as a typical urban cell fix
_COARSE_RADIUS_M = 2000.0  # beyond this, a text estimate without a town names no precinct
_MAX_ACCURACY_M = 50_000.0  # a coarser "fix" is a region, not a position


def _device_confidence(accuracy_m: float) -> float:
    return max(0.3, min(0.97, 1.0 - accuracy_m / 1500.0))


def _device_estimate(device: DevicePoint) -> tuple[Estimate | None, str | None]:
    try:
        lat, lon = to_wgs84(device.lat, device.lon, device.crs)
    except InvalidCoordinates as exc:
        return None, f"device coordinates rejected: {exc}"
    acc = device.accuracy_m
    if isinstance(acc, (int, float)) and acc > _MAX_ACCURACY_M:
        return None, f"device accuracy {acc:.0f} m is too coarse to place the report"
    if not isinstance(acc, (int, float)) or not math.isfinite(acc) or acc < 0:
        acc = _UNKNOWN_ACCURACY_M
    return Estimate((lat, lon), float(acc), _device_confidence(acc), matched=("device",)), None


def _activity_estimate(activity: Sequence[tuple[float, float, datetime]]) -> Estimate | None:
    pts = []
    for item in activity:
        try:
            when = item[2]
            if isinstance(when, datetime):  # naive times are read as local, like the clock
                pts.append((to_wgs84(item[0], item[1], "wgs84"), when.timestamp()))
        except (InvalidCoordinates, IndexError, TypeError):
            continue
    if not pts:
        return None
    (lat, lon), _ = max(pts, key=lambda p: p[1])  # the latest point
    spread = max(distance_m((lat, lon), p) for p, _ in pts)
    radius = min(max(300.0, spread), _MAX_ACCURACY_M)
    return Estimate((lat, lon), radius, 0.35, matched=("activity",))


def _hint_estimate(region_hint: str | None) -> Estimate | None:
    """A region hint (IP/carrier region) as a weak estimate: confidence at most 0.3."""
    if not isinstance(region_hint, str) or not region_hint.strip():
        return None
    gaz = gazetteer()
    hint = resolve(parse(region_hint, gaz), gaz)
    return replace(hint, confidence=min(hint.confidence, 0.3), town=None,
                   matched=tuple(f"hint:{m}" for m in hint.matched), warnings=())


def _fuse(dev: Estimate, txt: Estimate, txt_source: str) -> tuple[Estimate, str, list[str]]:
    """Combine a device estimate with a placed text estimate (see the module rules)."""
    if dev.point is None or txt.point is None:
        return dev, "device", []
    dev_r, txt_r = max(dev.radius_m or 0.0, 1.0), max(txt.radius_m or 0.0, 1.0)
    gap = distance_m(dev.point, txt.point)
    good = dev_r <= get_settings().good_accuracy_m
    agree = gap <= dev_r + txt_r + 200.0
    warn = [] if agree else [f"text places the report {gap:.0f} m from the device fix"]
    # The text's district goes along: a fix within its radius of that district's edge is
    # reported there, with a warning (district edges are only good to ~300 m).
    dev = replace(dev, district=txt.district) if agree else dev
    if good:
        return dev, "device", warn
    if not agree:
        pick = dev if dev_r <= txt_r else txt
        return pick, ("device" if pick is dev else txt_source), warn
    assert dev.point is not None and txt.point is not None  # both placed to agree
    wd, wt = 1.0 / dev_r**2, 1.0 / txt_r**2
    lat = (dev.point[0] * wd + txt.point[0] * wt) / (wd + wt)
    lon = (dev.point[1] * wd + txt.point[1] * wt) / (wd + wt)
    radius = max(min(dev_r, txt_r) * 0.8, 1.0 / math.sqrt(wd + wt))
    conf = min(0.97, 1 - (1 - dev.confidence) * (1 - txt.confidence))
    fused = Estimate((lat, lon), radius, conf, txt.district, txt.town if wt > wd else None)
    return fused, "combined", warn


def locate(
    text: str | None = None,
    *,
    address: str | None = None,
    device: DevicePoint | None = None,
    region_hint: str | None = None,
    activity: Sequence[tuple[float, float, datetime]] = (),
) -> Location:
    """Place a report: a WGS-84 point, its uncertainty, precinct and jurisdiction.

    Args:
        text: Free text of the report (may contain an address among other words).
        address: A structured address field, if the channel has one (preferred over text).
        device: A device fix; converted from its CRS.
        region_hint: A weak region such as an IP geolocation ("内蒙古包头市").
        activity: Recent ``(lat, lon, time)`` WGS-84 points of the reporting device.

    Returns:
        A :class:`Location`. Never raises for odd input: unplaceable input gives
        ``lat=None`` with a ``reason``; show the console's "ask for location" prompt.
    """
    warnings: list[str] = []
    gaz = gazetteer()
    dev, dev_error = (None, None) if device is None else _device_estimate(device)
    if dev_error:
        warnings.append(dev_error)
    txt = None
    for source, value in (("address", address), ("text", text)):
        if isinstance(value, str) and value.strip():
            est = resolve(parse(value, gaz), gaz)
            if est.point is not None or est.out_of_area or txt is None:
                txt, txt_source = est, source
            if est.point is not None:
                break
    if txt is None or txt.level in (None, "city") and not txt.out_of_area:
        heard = _heard_as_baotou(address, text, gaz)
        if heard is not None:
            txt, txt_source = heard
    if dev is not None and txt is not None and txt.point is not None:
        est, source, more = _fuse(dev, txt, txt_source)
        warnings += more
        warnings += list(txt.warnings)
        matched = dev.matched + txt.matched
    elif dev is not None:
        est, source, matched = dev, "device", dev.matched
        if txt is not None and txt.reason:
            warnings.append(f"text not placed: {txt.reason}")
    elif txt is not None and (txt.point is not None or txt.out_of_area):
        est, source, matched = txt, txt_source, txt.matched
        warnings += list(txt.warnings)
        hint = _hint_estimate(region_hint)
        if hint is not None and hint.point is not None and not txt.out_of_area:
            if hint.out_of_area:
                warnings.append(f"region hint is {hint.province or ''}{hint.city or ''}, "
                                "outside Baotou")
            elif txt.level == "city" and hint.level not in (None, "city"):
                # "包头市…" plus an IP region 青山区: the weak signals narrow each other.
                est = replace(hint, confidence=min(0.45, txt.confidence + hint.confidence / 2))
                source, matched = "combined", txt.matched + hint.matched
    else:
        weak = _activity_estimate(activity)
        hint = _hint_estimate(region_hint)
        if weak is not None:
            est, source, matched = weak, "device", weak.matched
        elif hint is not None and (hint.point is not None or hint.out_of_area):
            est, source, matched = hint, "region_hint", hint.matched
        else:
            parts = [dev_error, txt.reason if txt else None]
            reason = "; ".join(p for p in parts if p) or "no location signal given"
            return unplaced(reason, warnings=tuple(warnings + list(txt.warnings if txt else ())))
    return _to_location(est, source, matched, warnings)


def _heard_as_baotou(address: str | None, text: str | None, gaz: Gazetteer) \
        -> tuple[Estimate, str] | None:
    """The first of ``address`` and ``text`` that places, once a Baotou name written with
    other characters of its sound is read as that name (萨拉七 → 萨拉齐), with a warning."""
    for source, value in (("address", address), ("text", text)):
        if not isinstance(value, str) or not value.strip():
            continue
        respelled, pairs = respell(normalise(value), gaz)
        if not pairs:
            continue
        est = resolve(parse(respelled, gaz), gaz)
        if est.point is not None and est.level != "city" or est.out_of_area:
            said = "、".join(f"{heard} → {read}" for heard, read in pairs)
            return replace(est, warnings=(*est.warnings, f"read as sounding alike: {said}")), \
                source
    return None


def _stated_district(lat: float, lon: float, radius_m: float, district: str) \
        -> tuple[str, str, Precinct | None] | None:
    """The district a source states for a point just across a boundary, if within radius."""
    dlayer = layers.districts()
    area = next((a for a in dlayer.areas if a.code == district), None)
    if area is None:
        return None
    gap_m = area.geom.distance(shapely.Point(lon, lat)) * 111_320.0 * math.cos(math.radians(lat))
    if gap_m > radius_m:
        return None
    layer, items = layers.precinct_layer()
    near = [i for i, _ in layers.shares_in_circle(lat, lon, max(radius_m, gap_m + 50.0))
            if items[i].district == district or
            layer.areas[i].props.get("host_district") == district]
    return district, area.name, (items[near[0]] if near else None)


@lru_cache(maxsize=8192)
def _judge_gazetteer_point(lat: float, lon: float, radius_m: float, town: str | None) \
        -> Jurisdiction:
    return judge(lat, lon, radius_m, town)


def _to_location(est: Estimate, source: str, matched: tuple[str, ...], warnings: list[str]) \
        -> Location:
    if est.point is None:  # out of area named, but no polygon to put a point in
        return Location(None, None, None, est.confidence, source, None, None, None, None, False,
                        est.city, est.province, (), matched, tuple(warnings), est.reason,
                        est.county, est.county_code, est.alternatives)
    lat, lon = est.point
    if est.out_of_area:  # named elsewhere: only whether its anchor falls inside matters
        j = _judge_gazetteer_point(lat, lon, 0.0, None)
    elif source in ("address", "text", "region_hint"):
        j = _judge_gazetteer_point(lat, lon, est.radius_m or 0.0, est.town)  # finite set: cache
    else:
        j = judge(lat, lon, est.radius_m or 0.0, est.town)
    if est.out_of_area and j.in_jurisdiction:
        warnings.append("text names a place outside Baotou; its anchor falls inside")
    in_j = False if est.out_of_area else j.in_jurisdiction
    city = est.city if est.out_of_area else j.city
    province = est.province if est.out_of_area else j.province
    county, county_code = est.county, est.county_code
    if not in_j and not est.out_of_area:  # a fix outside Baotou: name it from the polygons
        named = reverse(lat, lon)
        if named is not None:
            city, province = named.city or city, named.province or province
            county, county_code = named.county, named.county_code
    p = j.precinct if in_j else None
    if in_j and est.district and j.district and est.district != j.district and est.town is None:
        moved = _stated_district(lat, lon, est.radius_m or 0.0, est.district)
        if moved is None:
            warnings.append(f"point falls in {j.district_name}, the text or source names another")
        else:
            warnings.append(f"point lies within {est.radius_m:.0f} m of {moved[1]}, where the "
                            "source places it; confirm the district")
            j = Jurisdiction(moved[0], moved[1], moved[2], True, j.city, j.province, j.candidates)
            p = moved[2]
    if est.level == "city":  # "包头市" alone: inside, but no district or precinct is known
        j = Jurisdiction(None, None, None, True, j.city, j.province, ())
        p = None
    district = j.district if in_j else None
    if in_j:
        county, county_code = j.district_name, j.district
    coarse = est.town is None and (est.radius_m or 0.0) > _COARSE_RADIUS_M
    if p is not None and coarse and j.candidates and j.candidates[0][1] < 0.5:
        p = None  # a district-level guess: list candidates, do not pretend to know the precinct
    return Location(
        lat=lat, lon=lon, radius_m=est.radius_m, confidence=round(est.confidence, 3),
        source=source, district=district, district_name=j.district_name if in_j else None,
        precinct=p.id if p else None, precinct_name=p.name if p else None,
        in_jurisdiction=in_j, city=city, province=province,
        candidates=j.candidates if in_j else (), matched=matched,
        warnings=tuple(dict.fromkeys(warnings)), reason=est.reason,
        county=county, county_code=county_code, alternatives=est.alternatives,
    )
