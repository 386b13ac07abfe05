"""Render the precinct layer as a PNG for the docs (``python -m geo map OUT.png``)."""

from __future__ import annotations

from pathlib import Path

from geo import layers


def render_map(out: Path, *, dpi: int = 90) -> Path:
    """Draw precinct cells, district outlines and seats; colour seats by provenance.

    Args:
        out: PNG path to write.
        dpi: Resolution (the docs use 90).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import fontManager
    from matplotlib.lines import Line2D

    cjk = [f.name for f in fontManager.ttflist if any(k in f.name for k in
                                                       ("Noto Sans CJK", "WenQuanYi", "SimHei"))]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    layer, items = layers.precinct_layer()
    fig, axes = plt.subplots(1, 2, figsize=(16, 9), gridspec_kw={"width_ratios": [1, 1.4]})
    colours = {"places": "#1b7837", "communities": "#2166ac", "derived": "#d6604d"}
    for ax, box in zip(axes, [None, (109.70, 110.12, 40.52, 40.75)], strict=True):
        for area in layer.areas:
            for poly in getattr(area.geom, "geoms", [area.geom]):
                xs, ys = poly.exterior.xy
                ax.fill(xs, ys, alpha=0.25, linewidth=0.4, edgecolor="#555555")
        for d in layers.districts().areas:
            for poly in getattr(d.geom, "geoms", [d.geom]):
                xs, ys = poly.exterior.xy
                ax.plot(xs, ys, color="black", linewidth=1.2)
        for area, p in zip(layer.areas, items, strict=True):
            source = str(area.props.get("seat_source", "derived")).split(":")[0]
            ax.plot(p.seat[1], p.seat[0], "o", markersize=3.5,
                    color=colours.get(source, "#d6604d"))
            if box and box[0] < p.seat[1] < box[1] and box[2] < p.seat[0] < box[3] and cjk:
                ax.annotate(p.name.removesuffix("街道"), (p.seat[1], p.seat[0]), fontsize=6)
        if box:
            ax.set_xlim(box[0], box[1])
            ax.set_ylim(box[2], box[3])
            ax.set_title("urban belt (synthetic precincts)")
        else:
            ax.set_title("Baotou: 91 synthetic precincts (Voronoi around seats, clipped)")
        ax.set_aspect(1.0 / 0.758)  # cos(40.65°): metric aspect
        ax.set_xlabel("longitude (WGS-84)")
        ax.set_ylabel("latitude (WGS-84)")
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=f"seat: {k}")
               for k, c in colours.items()]
    axes[0].legend(handles=handles, loc="lower left", fontsize=8)
    fig.suptitle("synthetic: true — replace with the agency's layer via GEO_PRECINCTS_PATH")
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
