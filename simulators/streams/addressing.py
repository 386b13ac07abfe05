"""How a report says where: address text, device coordinates, vague phrases.

A :class:`Where` carries both sides: the hidden truth (WGS-84 point, district,
out-of-area) and what the reporter actually gives (the ``address`` and ``location``
body fields and the spoken place phrase). The four modes follow the config shares:

* ``both`` — address and device fix;
* ``address`` — address only (the call-taker typed it, or the post names it);
* ``coords`` — device fix only, the text does not name the place;
* ``vague`` — neither field; the text says "near the big supermarket on 钢铁大街".
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from geo import from_wgs84
from simulators.streams.config import Config
from simulators.streams.grammar import expand, number
from simulators.streams.places import (
    DISTRICT_SHORT,
    Place,
    offset,
    pick_anchor,
    pick_district,
    pick_outside,
    pick_street,
    scatter,
)

_POIS = ("加油站", "大超市", "小学", "医院", "公交站", "银行", "菜市场", "烧烤店", "网吧", "药店", "幼儿园", "宾馆")


@dataclass(frozen=True)
class Where:
    """The place of one report, true and as told.

    Attributes:
        lat: True WGS-84 latitude.
        lon: True WGS-84 longitude.
        district: True Baotou district, or None out of area.
        region: ``province city`` for out-of-area places, else None.
        mode: ``both``, ``address``, ``coords`` or ``vague``.
        address: The ``address`` body field, or None.
        location: The ``location`` body field, or None.
        spoken: The place phrase for the text ("" when the text does not say).
        place: The anchor the point was drawn around.
    """

    lat: float
    lon: float
    district: str | None
    region: str | None
    mode: str
    address: str | None
    location: dict[str, Any] | None
    spoken: str
    place: Place


def device_fix(rng: random.Random, lat: float, lon: float, crs_shares: dict[str, float]) -> dict[str, Any]:
    """A handset position near the true point, with accuracy and a CRS.

    The error is Gaussian per axis with sigma = accuracy / 1.515 (``accuracy_m`` read as
    the 68 % radius). Sources: GNSS 5–40 m, Wi-Fi/network 40–300 m, cell 300–2000 m.
    """
    source = rng.choices(("gnss", "network", "cell"), weights=(0.6, 0.25, 0.15))[0]
    lo, hi = {"gnss": (5, 40), "network": (40, 300), "cell": (300, 2000)}[source]
    accuracy = round(rng.uniform(lo, hi))
    sigma = accuracy / 1.515
    north, east = rng.gauss(0, sigma), rng.gauss(0, sigma)
    flat, flon = offset(lat, lon, math.hypot(north, east), math.degrees(math.atan2(east, north)))
    names = sorted(crs_shares)
    crs = rng.choices(names, weights=[crs_shares[n] for n in names])[0]
    out_lat, out_lon = from_wgs84(flat, flon, crs)
    return {"lat": round(out_lat, 6), "lon": round(out_lon, 6), "crs": crs, "accuracy_m": accuracy}


def _district_name(rng: random.Random, district: str, name: str = "") -> str:
    short = DISTRICT_SHORT.get(district, district)
    if name.startswith((district, short)):
        return ""  # 东河区人民政府 already says its district
    return rng.choice((district, district, short))


def formal_address(rng: random.Random, place: Place) -> str:
    """An address as a call-taker or a 12345 operator would type it."""
    if place.kind == "out_of_area":
        city = place.district if place.district != place.name else ""
        river = ("|长江边" if place.province == "江苏省"
                 else "|黄河边" if place.name in ("鄂尔多斯市", "巴彦淖尔市") else "")
        return expand(rng, "[{prov}|]{city}{name}[火车站附近|市区|高速路口附近|一个小区" + river + "|]",
                      {"prov": place.province, "city": city, "name": place.name})
    head = expand(rng, "[包头市|包头|]{d}", {"d": _district_name(rng, place.district, place.short)})
    if place.kind == "community":
        town = place.town if place.town and rng.random() < 0.4 else ""
        rural = not place.short.endswith("社区")
        tail = expand(rng, "[村口|村委会附近|{b}组|]" if rural else
                      "[{b}号楼{u}单元|{b}栋|{b}号楼|门口|附近|{b}号楼{u}单元{r}室|]", {
            "b": number(rng, rng.randrange(1, 40), chinese_share=0.15),
            "u": number(rng, rng.randrange(1, 7), chinese_share=0.2),
            "r": str(rng.randrange(1, 19)) + f"0{rng.randrange(1, 5)}"})
        return head + town + place.short + tail
    if place.kind == "subdistrict":
        street = pick_street(rng, place.district)
        if street and rng.random() < 0.5:
            return head + expand(rng, "{s}[附近|{n}号|沿线|]", {"s": street, "n": str(rng.randrange(1, 300))})
        return head + place.short
    return head + place.short + rng.choice(("", "门口", "北门", "南门", "东门", "附近", "对面"))


def spoken_place(rng: random.Random, place: Place, address: str) -> str:
    """The place as said on the phone: ``我在昆区佳园社区这边``."""
    if place.kind == "out_of_area":
        return expand(rng, "[我在|人在|在]{a}", {"a": address})
    short = address
    if place.short in address and rng.random() < 0.5:
        short = _district_name(rng, place.district, place.short) + place.short
    return expand(rng, "[我在|在|就在|我这儿是|地址是|]{p}[这儿|这边|这块儿||]", {"p": short})


def vague_place(rng: random.Random, place: Place) -> str:
    """A place the geo stage cannot resolve alone."""
    street = None if place.kind == "out_of_area" else pick_street(rng, place.district)
    options = [
        "[我也不知道这是哪儿|我对这块儿不熟|具体地址说不上来]，[旁边有个|对面是个|附近有个]{poi}",
        "[就在|在]一个小区[里|门口]，[叫啥来着|名字想不起来了]",
    ]
    if street:
        options += ["[就在|在]{s}[那边|附近|上|边上]，[具体的|门牌号][我也说不清|不知道]",
                    "{s}[往东|往西|往南|往北][走一点|一百来米|过了红绿灯]，{poi}[旁边|对面]"]
    if place.kind != "out_of_area":
        options.append("[{d}那边|在{d}|{d}这块儿]，[一个|有个]{poi}[旁边|附近]")
    return expand(rng, rng.choice(options), {
        "s": street or "", "poi": rng.choice(_POIS), "d": DISTRICT_SHORT.get(place.district, place.district)})


def sample_where(
    rng: random.Random, config: Config, channel: str, *, place: Place | None = None,
    point: tuple[float, float] | None = None, mode: str | None = None,
    out_of_area: bool | None = None,
) -> Where:
    """Draw where a report happens and how its reporter says it.

    Args:
        rng: Random source.
        config: Shares of districts, modes, CRS and out-of-area.
        channel: ``call``, ``forum`` or ``transfer_12345``.
        place: Force the anchor (scenarios, duplicates); drawn if None.
        point: Force the true WGS-84 point (a duplicate reports the same event).
        mode: Force the location mode; drawn from ``config.location_modes`` if None.
        out_of_area: Force (or forbid) an out-of-area place; drawn if None.

    Returns:
        The :class:`Where` of the report.
    """
    if place is None:
        if out_of_area is None:
            out_of_area = rng.random() < config.out_of_area.get(channel, 0.0)
        if out_of_area:
            place = pick_outside(rng)
        else:
            place = pick_anchor(rng, pick_district(rng, config.district_population))
    lat, lon = point if point is not None else scatter(rng, place)
    if mode is None:
        shares = config.location_modes[channel]
        names = [m for m in ("both", "address", "coords", "vague") if shares.get(m, 0) > 0]
        mode = rng.choices(names, weights=[shares[m] for m in names])[0]
    address = formal_address(rng, place)
    location = device_fix(rng, lat, lon, config.crs_shares) if mode in ("both", "coords") else None
    if mode == "vague":
        spoken = vague_place(rng, place)
    elif mode == "coords":
        spoken = rng.choice(("", "", "我也不知道这是哪儿", "你们能定位吧"))
    else:
        spoken = spoken_place(rng, place, address)
    ooa = place.kind == "out_of_area"
    return Where(
        lat=lat, lon=lon, district=None if ooa else place.district,
        region=f"{place.province}{place.district}" if ooa else None, mode=mode,
        address=address if mode in ("both", "address") else None, location=location,
        spoken=spoken, place=place)
