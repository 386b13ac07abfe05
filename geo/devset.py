"""Generate the development set ``geo/data/eval/dev.jsonl`` (``python -m geo devset``).

The gold answers come from the raw sources, never from ``locate``:

* towns and communities: the NBS code lists (precinct = the 9-digit town code,
  district = its county); a recorded point only where ``baotou_places.csv`` has one;
* places with a coordinate (government seats, campuses, the airport): the recorded
  point, its stated district, and the precinct whose polygon contains that point;
* out-of-area lines: cities and provinces named, or device fixes inside a
  neighbouring city's DataV polygon.

Phrasing is varied from seeded templates (prefixes, colloquial district names,
relations, house numbers, free-text framing of 110 reports), so no line is a bare
gazetteer name. Hand-written lines live in ``dev_handwritten.jsonl``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import shapely

from geo import layers
from geo.names import town_short_forms
from geo.seats import community_towns
from geo.sources import read_features, read_places, read_towns, read_villages

PREFIXES = ["", "", "包头市", "内蒙古包头市", "包头", "内蒙古自治区包头市", "包头市 "]
FRAMES = ["{}", "{}", "{}", "我在{}", "{}有人打架", "报警地点：{}", "{}发生交通事故，有人受伤",
          "在{}这儿，快来人", "{}，孩子走丢了", "地址{}", "{}有人吵架砸东西", "就在{}"]
SUFFIXES = ["", "", "附近", "对面", "门口", "旁边", "3号楼2单元", "12号", "北侧100米", "一带", "这边"]
OUTSIDE: list[tuple[str, str | None, str | None] | tuple[str, str, str, str]] = [
    ("呼和浩特市新城区中山西路", "呼和浩特市", "内蒙古自治区"), ("呼市赛罕区大学东街", "呼和浩特市", "内蒙古自治区"),
    ("鄂尔多斯市东胜区天骄路", "鄂尔多斯市", "内蒙古自治区"), ("鄂尔多斯康巴什区", "鄂尔多斯市", "内蒙古自治区"),
    ("巴彦淖尔市临河区胜利路", "巴彦淖尔市", "内蒙古自治区"), ("乌兰察布市集宁区", "乌兰察布市", "内蒙古自治区"),
    ("乌海市海勃湾区", "乌海市", "内蒙古自治区"), ("赤峰市红山区", "赤峰市", "内蒙古自治区"),
    ("通辽市科尔沁区", "通辽市", "内蒙古自治区"), ("锡林郭勒盟锡林浩特市", "锡林郭勒盟", "内蒙古自治区"),
    ("阿拉善盟阿拉善左旗", "阿拉善盟", "内蒙古自治区"), ("呼伦贝尔市海拉尔区", "呼伦贝尔市", "内蒙古自治区"),
    ("江苏省张家港市杨舍镇", "苏州市", "江苏省", "张家港市"), ("张家港市金港镇长山村", "苏州市", "江苏省", "张家港市"),
    ("江苏张家港市塘桥镇", "苏州市", "江苏省", "张家港市"), ("苏州市姑苏区观前街", "苏州市", "江苏省"),
    ("苏州工业园区星湖街", "苏州市", "江苏省"), ("江苏省苏州市昆山市", "苏州市", "江苏省"),
    ("湖北省武汉市青山区和平大道", "武汉市", "湖北省"), ("武汉市青山区", "武汉市", None),
    ("北京市朝阳区建国路", None, "北京市"), ("上海市浦东新区世纪大道", None, "上海市"),
    ("山西省大同市平城区", "大同市", "山西省"), ("陕西省榆林市", "榆林市", "陕西省"),
    ("宁夏回族自治区银川市", "银川市", "宁夏回族自治区"), ("河北省石家庄市", "石家庄市", "河北省"),
]
OUT_FRAMES = ["{}", "我在{}", "{}有人打架", "报警人称在{}被骗", "{}，我家老人走失了"]


def _pick(rng: random.Random, xs: list[str]) -> str:
    return xs[rng.randrange(len(xs))]


def _phrase(rng: random.Random, district_forms: list[str], core: str) -> str:
    district = _pick(rng, district_forms + [""])
    if any(core.startswith(f) for f in district_forms):  # 土右旗政府 already names it
        district = ""
    return _pick(rng, FRAMES).format(_pick(rng, PREFIXES) + district + core + _pick(rng, SUFFIXES))


# How callers name the districts (kept apart from the resolver's alias table on purpose).
SPOKEN_DISTRICTS: dict[str, tuple[str, ...]] = {
    "150202": ("东河",), "150203": ("昆区", "昆都仑"), "150204": ("青山",),
    "150205": ("石拐",), "150206": ("白云矿区", "白云鄂博"), "150207": ("九原",),
    "150221": ("土右旗", "土右"), "150222": ("固阳",), "150223": ("达茂旗", "达茂"),
    "150271": ("稀土高新区", "高新区", "稀土开发区"),
}


def _district_forms(code: str, official: str) -> list[str]:
    return [official, *SPOKEN_DISTRICTS.get(code, ())]


def generate(seed: int = 20261126) -> list[dict[str, Any]]:
    """Build the generated gold lines (deterministic for a seed)."""
    rng = random.Random(seed)
    feats = read_features("baotou_districts_datav2026_gcj02.geojson")
    dnames = {str(p["adcode"]): str(p["name"]) for p, _ in feats} | {"150271": "稀土高新区"}
    by_name = {n: c for c, n in dnames.items()}
    places = read_places()
    towns = read_towns()
    town_point = {p.nbs_2023: p.point for p in places if p.kind == "subdistrict" and p.point}
    out: list[dict[str, Any]] = []
    for t in towns:  # every town, once or twice
        forms = [f for f in town_short_forms(t.name) if len(f) >= 2]
        for _ in range(2 if t.code in town_point else 1):
            line: dict[str, Any] = {"text": _phrase(rng, _district_forms(t.district, dnames[t.district]),
                                    _pick(rng, forms)),
                    "district": t.district, "precinct": t.code, "kind": "town"}
            if t.code in town_point:
                line["lat"], line["lon"] = town_point[t.code]
            out.append(line)
    villages = [v for v in read_villages() if "虚拟" not in v.name]
    member = community_towns(places, villages)
    pointed = {p.name: p.point for p in places if p.name in member and p.point}
    for v in sorted(rng.sample(villages, 70), key=lambda v: v.code) + \
            [v for v in villages if v.name in pointed and member[v.name] == v.town]:
        core = v.name
        for suffix in ("社区居委会", "居委会", "村委会"):
            if core.endswith(suffix) and rng.random() < 0.7:
                core = core.removesuffix(suffix) + ("社区" if suffix == "社区居委会" else
                                                    ("村" if suffix == "村委会" and
                                                     not core.removesuffix(suffix).endswith("村")
                                                     else ""))
        line = {"text": _phrase(rng, _district_forms(v.town[:6], dnames[v.town[:6]]), core),
                "district": v.town[:6], "precinct": v.town, "kind": "community"}
        if v.name in pointed:
            line["lat"], line["lon"] = pointed[v.name]
        out.append(line)
    out += _poi_lines(rng, places, by_name, dnames)
    for text, city, province, *county in OUTSIDE:
        for _ in range(2):
            line = {"text": _pick(rng, OUT_FRAMES).format(text), "out_of_area": True,
                    "city": city, "province": province, "kind": "out_of_area"}
            if county:  # a county-level city: the prefecture is the city (NBS hierarchy)
                line["county"] = county[0]
            out.append(line)
    out += _device_lines(rng)
    for i, line in enumerate(out):
        line["id"] = f"gen-{i:03d}"
    return out


def _poi_lines(rng: random.Random, places: list[Any], by_name: dict[str, str],
               dnames: dict[str, str]) -> list[dict[str, Any]]:
    layer, precincts = layers.precinct_layer()
    out = []
    for p in places:
        if p.kind not in ("government", "school", "station") or p.point is None:
            continue
        code = by_name[p.districts[0]]
        idx = layer.index_at(*p.point)
        names = [p.name, *[a for a in p.aliases if not a.isascii()]]
        for _ in range(3):
            line = {"text": _phrase(rng, _district_forms(code, dnames[code]), _pick(rng, names)),
                    "district": code, "lat": p.point[0], "lon": p.point[1], "kind": "landmark"}
            if idx is not None and precincts[idx].district == code:  # skip boundary-straddlers
                line["precinct"] = precincts[idx].id
            out.append(line)
    return out


def _device_lines(rng: random.Random) -> list[dict[str, Any]]:
    """Fixes inside neighbouring cities (out of area) and inside Baotou districts."""
    out: list[dict[str, Any]] = []
    for props, geom in read_features("inner_mongolia_cities_datav2026_gcj02.geojson"):
        if str(props["adcode"]) not in ("150100", "150600", "150800", "150900"):
            continue
        for _ in range(3):
            pt = _random_point_in(rng, geom)
            out.append({"text": "", "location": {"lat": pt[0], "lon": pt[1], "crs": "wgs84",
                                                 "accuracy_m": 30}, "out_of_area": True,
                        "city": props["name"], "kind": "device_out"})
    for props, geom in read_features("baotou_districts_datav2026_gcj02.geojson"):
        pt = _random_point_in(rng, geom)
        glat, glon = pt
        out.append({"text": "", "location": {"lat": glat, "lon": glon, "crs": "wgs84",
                                             "accuracy_m": 20},
                    "district": str(props["adcode"]), "lat": glat, "lon": glon, "kind": "device"})
    return out


def _random_point_in(rng: random.Random, geom: Any) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    while True:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(shapely.Point(lon, lat)):
            return round(lat, 6), round(lon, 6)


EVAL_DIR = Path(__file__).resolve().parent / "data" / "eval"


def write_devset(seed: int = 20261126) -> list[Path]:
    """Write ``dev_generated.jsonl`` and ``dev.jsonl`` (generated + hand-written + the
    independently written batches ``blind_*.jsonl``, once their first run is recorded)."""
    generated = [json.dumps(line, ensure_ascii=False, sort_keys=True) for line in generate(seed)]
    gen_path = EVAL_DIR / "dev_generated.jsonl"
    gen_path.write_text("\n".join(generated) + "\n", encoding="utf-8")
    hand = (EVAL_DIR / "dev_handwritten.jsonl").read_text(encoding="utf-8").strip().splitlines()
    for batch in sorted(EVAL_DIR.glob("blind_*.jsonl")):
        hand += [x for x in batch.read_text(encoding="utf-8").splitlines() if x.strip()]
    dev_path = EVAL_DIR / "dev.jsonl"
    dev_path.write_text("\n".join(generated + hand) + "\n", encoding="utf-8")
    return [gen_path, dev_path]
