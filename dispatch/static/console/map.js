// The consoles' map: precinct polygons and district outlines are the map (no tile server),
// with incident and unit markers on top. Leaflet is a vendored global script (window.L).
import { el, label, CATEGORY, STATUS, UNIT_STATUS, PRIORITY_COLOR } from "./console.js";

// Baotou's urban districts: 东河、昆都仑、青山、九原.
const URBAN = new Set(["150202", "150203", "150204", "150207"]);
const RADIUS = { P1: 9, P2: 7, P3: 6, P4: 5 };

// Leaflet tooltips given a string set innerHTML; always hand them a DOM node instead.
function tip(...lines) {
  return el("div", {}, ...lines.map((line, i) => (i ? el("div", {}, line) : el("strong", {}, line))));
}

export class DispatchMap {
  // container: element; options.focus: a precinct id to zoom to;
  // options.onPrecinctClick(id) when a polygon is clicked.
  // options.onMapClick({lat, lon}) for any click on the map (the command console's 定位修正).
  constructor(container, { focus = null, onPrecinctClick = null, onIncidentClick = null, onMapClick = null } = {}) {
    this.container = container;
    this.focus = focus;
    this.onPrecinctClick = onPrecinctClick;
    this.onIncidentClick = onIncidentClick;
    this.onMapClick = onMapClick;
    this.pickMarker = null;
    this.incidents = new Map();
    this.units = new Map();
    this.circles = new Map();   // missing-person case id → {data, layer}
    this.precinctLayers = new Map();
    this.map = null;
    this.ready = false;
  }

  async load() {
    if (!window.L) {
      this.container.append(el("p", { class: "quiet" }, "地图组件未安装（make vendor），其余功能不受影响"));
      return false;
    }
    const L = window.L;
    this.map = L.map(this.container, {
      preferCanvas: true, zoomSnap: 0.25, attributionControl: false, minZoom: 6, maxZoom: 17,
    });
    let districts;
    let precincts;
    try {
      [districts, precincts] = await Promise.all([
        fetch("/v1/geo/districts.geojson").then((r) => (r.ok ? r.json() : Promise.reject(r.status))),
        fetch("/v1/geo/precincts.geojson").then((r) => (r.ok ? r.json() : Promise.reject(r.status))),
      ]);
    } catch {
      this.container.append(el("p", { class: "quiet" }, "地图数据暂不可用"));
      this.map.setView([40.65, 109.85], 9);
      return false;
    }
    // Precincts first (filled), districts on top as heavier outlines.
    const precinctLayer = L.geoJSON(precincts, {
      style: (f) => this.precinctStyle(f.properties.id, 0),
      onEachFeature: (f, layer) => {
        this.precinctLayers.set(f.properties.id, layer);
        layer.bindTooltip(tip(f.properties.name, `${f.properties.district_name} · ${f.properties.id}`),
          { sticky: true });
        if (this.onPrecinctClick) layer.on("click", () => this.onPrecinctClick(f.properties.id));
      },
    }).addTo(this.map);
    L.geoJSON(districts, {
      interactive: false,
      style: () => ({ color: "#7fb2ff", weight: 2, fill: false, opacity: 0.9 }),
    }).addTo(this.map);
    // Alert circles under the markers, and not interactive: clicks inside one still reach
    // the incident markers and the map (定位修正 by a click).
    this.circleLayer = L.layerGroup().addTo(this.map);
    this.markers = L.layerGroup().addTo(this.map);
    if (this.onMapClick) this.map.on("click", (e) => this.onMapClick({ lat: e.latlng.lat, lon: e.latlng.lng }));
    this.unitLayer = L.layerGroup().addTo(this.map);

    const focused = this.focus && this.precinctLayers.get(this.focus);
    if (focused) {
      this.map.fitBounds(focused.getBounds().pad(0.8));
    } else {
      // The urban districts are where the work is; the northern banners are one zoom-out away.
      const urban = precincts.features.filter((f) => URBAN.has(f.properties.district))
        .map((f) => this.precinctLayers.get(f.properties.id).getBounds());
      const bounds = urban.length ? urban.reduce((a, b) => a.extend(b), L.latLngBounds(urban[0].getSouthWest(), urban[0].getNorthEast()))
        : precinctLayer.getBounds();
      this.map.fitBounds(bounds);
    }
    const synthetic = precincts.features.some((f) => f.properties.synthetic);
    this.addLegend(synthetic);
    this.ready = true;
    for (const inc of this.incidents.values()) this.drawIncident(inc.data);
    for (const entry of this.circles.values()) this.drawCircle(entry.data);
    this.counted();
    return true;
  }

  precinctStyle(id, load) {
    const isFocus = id === this.focus;
    const fill = load >= 5 ? "#8f1d1f" : load >= 3 ? "#8a4b12" : load >= 1 ? "#5a5410" : "#1b2b3c";
    return {
      color: isFocus ? "#ffd18a" : "#3f5e7e", weight: isFocus ? 2.5 : 0.8,
      fillColor: isFocus ? "#24456b" : fill, fillOpacity: isFocus ? 0.75 : 0.55,
    };
  }

  // Shade precincts by their number of open incidents (command console).
  setLoad(counts) {
    for (const [id, layer] of this.precinctLayers) layer.setStyle(this.precinctStyle(id, counts.get(id) || 0));
  }

  addLegend(synthetic) {
    const L = window.L;
    const legend = L.control({ position: "bottomleft" });
    legend.onAdd = () => el("div", { class: "legend", id: "map-legend" },
      el("div", {}, ...["P1", "P2", "P3", "P4"].map((p) => el("span", {},
        el("span", { class: "sw", style: `background:${PRIORITY_COLOR[p]}` }), `${p} `))),
      el("div", {}, "巡逻警力 ", ...[["#3d8bfd", "待命"], ["#f07a22", "已派/途中"], ["#e5383b", "现场"], ["#6c8296", "下勤"]]
        .map(([colour, text]) => el("span", {}, el("span", { class: "sw", style: `background:${colour};border-radius:2px` }), `${text} `))),
      el("div", {}, el("span", { class: "sw", style: "border:2px dashed #c77dff;background:transparent" }), "紫色虚线圈：走失人员布控范围"),
      el("div", {}, "粗线：旗县区界　细线：派出所辖区"),
      synthetic ? el("div", { class: "synthetic" }, "注：派出所辖区边界为合成数据，仅供演示，非官方辖区") : null);
    legend.addTo(this.map);
  }

  // Place or move an incident marker (needs incident.location with lat/lon). One marker
  // per incident: an update moves and restyles it in place, a finished incident loses it.
  setIncident(incident) {
    const open = !["resolved", "closed", "merged", "transferred", "handed_off", "cancelled", "failed"]
      .includes(incident.status);
    if (!open) { this.removeIncident(incident.id); return; }
    const entry = this.incidents.get(incident.id) || {};
    entry.data = incident;
    this.incidents.set(incident.id, entry);
    if (this.ready) this.drawIncident(incident);
  }

  // How many markers are on the map (data-incident-markers / data-unit-markers on the
  // container): what the operator sees, and what the browser tests count.
  counted() {
    if (!this.ready) return;
    this.container.dataset.incidentMarkers = String(this.markers.getLayers().length);
    this.container.dataset.unitMarkers = String(this.unitLayer.getLayers().length);
    this.container.dataset.alertCircles = String(this.circleLayer.getLayers().length);
  }

  // A missing-person case's alert circle (its last-seen point and the radius the alert has
  // reached); one per case, resized in place, removed when the case closes.
  setAlertCircle(c) {
    if (!c || !c.id) return;
    if (c.status === "closed") { this.removeAlertCircle(c.id); return; }
    const entry = this.circles.get(c.id) || {};
    entry.data = c;
    this.circles.set(c.id, entry);
    if (this.ready) this.drawCircle(c);
  }

  drawCircle(c) {
    const entry = this.circles.get(c.id);
    const ls = c.last_seen || {};
    const radius = c.area && c.area.radius_m;
    if (!entry || typeof ls.lat !== "number" || typeof ls.lon !== "number" || !radius) return;
    const L = window.L;
    const style = { color: "#c77dff", weight: 2, dashArray: "6 4", fillColor: "#c77dff", fillOpacity: 0.08, interactive: false };
    if (entry.layer) entry.layer.setLatLng([ls.lat, ls.lon]).setRadius(radius).setStyle(style);
    else entry.layer = L.circle([ls.lat, ls.lon], { radius, ...style }).addTo(this.circleLayer);
    this.counted();
  }

  removeAlertCircle(id) {
    const entry = this.circles.get(id);
    if (entry && entry.layer && this.circleLayer) this.circleLayer.removeLayer(entry.layer);
    this.circles.delete(id);
    this.counted();
  }

  drawIncident(incident) {
    const loc = incident.location;
    const entry = this.incidents.get(incident.id);
    if (!entry) return;
    if (!loc || typeof loc.lat !== "number" || typeof loc.lon !== "number") {
      if (entry.marker) { this.markers.removeLayer(entry.marker); entry.marker = null; this.counted(); }
      return;
    }
    const L = window.L;
    const style = {
      radius: RADIUS[incident.priority] || 5, color: "#fff", weight: 1.5,
      fillColor: PRIORITY_COLOR[incident.priority] || "#6c8296", fillOpacity: 0.95,
    };
    if (entry.marker) {
      entry.marker.setLatLng([loc.lat, loc.lon]).setStyle(style);
    } else {
      entry.marker = L.circleMarker([loc.lat, loc.lon], style).addTo(this.markers);
      entry.marker.on("click", (e) => {
        // While a point is being picked (定位修正), a marker under the pointer must not
        // swallow the click: the point clicked is the answer.
        if (this.container.classList.contains("picking") && this.onMapClick) {
          this.onMapClick({ lat: e.latlng.lat, lon: e.latlng.lng });
        } else if (this.onIncidentClick) this.onIncidentClick(incident.id);
      });
    }
    entry.marker.unbindTooltip();
    entry.marker.bindTooltip(tip(`${incident.priority || ""} ${label(CATEGORY, incident.category)}`,
      label(STATUS, incident.status), (incident.text || "").slice(0, 40)));
    this.counted();
  }

  removeIncident(id) {
    const entry = this.incidents.get(id);
    if (entry && entry.marker && this.markers) this.markers.removeLayer(entry.marker);
    this.incidents.delete(id);
    this.counted();
  }

  // Place a patrol unit: {id|unit_id, status, position: {lat, lon}} or {lat, lon}.
  setUnit(unit) {
    if (!this.ready) return;
    const pos = unit.position || unit;
    const id = unit.id || unit.unit_id;
    if (!pos || typeof pos.lat !== "number" || typeof pos.lon !== "number") return;
    const L = window.L;
    let marker = this.units.get(id);
    const icon = L.divIcon({ className: `unit-marker ${unit.status || ""}`, iconSize: [10, 10] });
    if (marker) marker.setLatLng([pos.lat, pos.lon]).setIcon(icon);
    else {
      // A click on a unit also reaches the map: picking a point (定位修正) where a car stands.
      marker = L.marker([pos.lat, pos.lon], { icon, keyboard: false, bubblingMouseEvents: true }).addTo(this.unitLayer);
      this.units.set(id, marker);
    }
    marker.unbindTooltip();
    marker.bindTooltip(tip(unit.name || String(id), label(UNIT_STATUS, unit.status)));
    this.counted();
  }

  // Picking a point: a crosshair cursor while on; showPick() marks the chosen point.
  setPicking(on) {
    this.container.classList.toggle("picking", Boolean(on));
    if (!on && this.pickMarker) { this.pickMarker.remove(); this.pickMarker = null; }
  }

  showPick(point) {
    if (!this.ready) return;
    const L = window.L;
    if (this.pickMarker) this.pickMarker.setLatLng([point.lat, point.lon]);
    else {
      this.pickMarker = L.circleMarker([point.lat, point.lon], {
        radius: 10, color: "#ffd18a", weight: 3, fill: false, interactive: false,
      }).addTo(this.map);
    }
  }

  flyTo(incident) {
    const loc = incident && incident.location;
    if (this.ready && loc && typeof loc.lat === "number") this.map.panTo([loc.lat, loc.lon]);
  }
}
