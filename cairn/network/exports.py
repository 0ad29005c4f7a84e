"""Network exports for analysts: i2 Analyst's Notebook ANX XML (entities with icons by
type, links with dates, strength and attributes), GraphML and CSV. Pure functions over a
graph.Network; the view/API logs each export as a disclosure."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from cairn.core.text import for_xml, scrub_surrogates
from cairn.pole.models import EntityKind

from .graph import Network

# i2 standard icon types by POLE kind (children get the "Child" icon).
ANX_ICONS = {
    EntityKind.PERSON: "Person",
    EntityKind.VEHICLE: "Car",
    EntityKind.PHONE: "Mobile Phone",
    EntityKind.ONLINE_ACCOUNT: "Internet",
    EntityKind.LOCATION: "House",
}
ANX_ENTITY_TYPES = {
    EntityKind.PERSON: "Person",
    EntityKind.VEHICLE: "Vehicle",
    EntityKind.PHONE: "Telephone",
    EntityKind.ONLINE_ACCOUNT: "Online account",
    EntityKind.LOCATION: "Location",
}
CONTENT_TYPES = {
    "anx": "application/xml",
    "graphml": "application/graphml+xml",
    "csv": "text/csv",
}
MARKING = "OFFICIAL-SENSITIVE"


def to_anx(network: Network) -> bytes:
    chart = ET.Element("Chart", {"Rigorous": "true"})
    ET.SubElement(chart, "Summary").append(_anx_field("Title", f"Cairn network {MARKING}"))
    attribute_classes = ET.SubElement(chart, "AttributeClassCollection")
    for name in ("Category", "Detail", "Source"):
        ET.SubElement(attribute_classes, "AttributeClass", {"Name": name, "Type": "AttText"})
    items = ET.SubElement(chart, "ChartItemCollection")
    for node in network.node_list():
        icon = "Child" if node.is_child else ANX_ICONS.get(EntityKind(node.kind), "Default")
        item = ET.SubElement(
            items, "ChartItem", {"Label": node.label, "Description": node.kind_label}
        )
        end = ET.SubElement(item, "End")
        entity = ET.SubElement(
            end,
            "Entity",
            {
                "EntityId": f"E{node.id}",
                "Identity": f"cairn:{node.id}",
                "LabelIsIdentity": "false",
            },
        )
        icon_el = ET.SubElement(entity, "Icon")
        ET.SubElement(
            icon_el,
            "IconStyle",
            {"Type": icon, "EntityType": ANX_ENTITY_TYPES[EntityKind(node.kind)]},
        )
        attrs = ET.SubElement(item, "AttributeCollection")
        ET.SubElement(attrs, "Attribute", {"AttributeClass": "Category", "Value": node.kind_label})
        if node.detail:
            ET.SubElement(attrs, "Attribute", {"AttributeClass": "Detail", "Value": node.detail})
    for edge in network.edges:
        attrs_map = {"Label": edge.link_label}
        if edge.started_on:
            attrs_map.update(DateSet="true", DateTime=f"{edge.started_on.isoformat()}T00:00:00")
        item = ET.SubElement(items, "ChartItem", attrs_map)
        link = ET.SubElement(
            item, "Link", {"End1Id": f"E{edge.source}", "End2Id": f"E{edge.target}"}
        )
        ET.SubElement(
            link,
            "LinkStyle",
            {"Type": edge.link_type, "Strength": "1", "ArrowStyle": "ArrowOnHead"},
        )
        if edge.source_note:
            attrs = ET.SubElement(item, "AttributeCollection")
            ET.SubElement(
                attrs, "Attribute", {"AttributeClass": "Source", "Value": edge.source_note}
            )
    return _xml_bytes(chart)


def _anx_field(name: str, value: str) -> ET.Element:
    el = ET.Element("Field", {"Name": name})
    el.text = value
    return el


def to_graphml(network: Network) -> bytes:
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys = [
        ("label", "node"),
        ("kind", "node"),
        ("category", "node"),
        ("link_type", "edge"),
        ("started_on", "edge"),
        ("ended_on", "edge"),
    ]
    for name, domain in keys:
        ET.SubElement(
            root,
            f"{{{ns}}}key",
            {"id": name, "for": domain, "attr.name": name, "attr.type": "string"},
        )
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "cairn", "edgedefault": "directed"})
    for node in network.node_list():
        el = ET.SubElement(graph, f"{{{ns}}}node", {"id": f"n{node.id}"})
        for key, value in (("label", node.label), ("kind", node.kind), ("category", node.category)):
            ET.SubElement(el, f"{{{ns}}}data", {"key": key}).text = value
    for edge in network.edges:
        el = ET.SubElement(
            graph,
            f"{{{ns}}}edge",
            {"id": f"e{edge.id}", "source": f"n{edge.source}", "target": f"n{edge.target}"},
        )
        ET.SubElement(el, f"{{{ns}}}data", {"key": "link_type"}).text = edge.link_type
        for key, date in (("started_on", edge.started_on), ("ended_on", edge.ended_on)):
            if date:
                ET.SubElement(el, f"{{{ns}}}data", {"key": key}).text = date.isoformat()
    return _xml_bytes(root)


def to_csv(network: Network) -> bytes:
    """One row per link, with both ends described (what an analyst pastes into a sheet)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# {MARKING}"])
    writer.writerow(
        [
            "from_id",
            "from_kind",
            "from_label",
            "link_type",
            "to_id",
            "to_kind",
            "to_label",
            "started_on",
            "ended_on",
        ]
    )
    for edge in network.edges:
        a, b = network.nodes[edge.source], network.nodes[edge.target]
        writer.writerow(
            [
                a.id,
                a.kind,
                _safe(a.label),
                edge.link_type,
                b.id,
                b.kind,
                _safe(b.label),
                edge.started_on.isoformat() if edge.started_on else "",
                edge.ended_on.isoformat() if edge.ended_on else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def _safe(value: str) -> str:
    """Neutralise spreadsheet formula injection (and drop what UTF-8 cannot encode)."""
    value = scrub_surrogates(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _xml_bytes(root: ET.Element) -> bytes:
    # ElementTree writes control characters as they are, which no XML parser accepts: one
    # pasted into a name stored before input was cleaned would break the file for every
    # analyst, so every text and attribute is cleaned here.
    for el in root.iter():
        if el.text:
            el.text = for_xml(el.text)
        for key, value in el.attrib.items():
            el.attrib[key] = for_xml(value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


EXPORTERS = {"anx": to_anx, "graphml": to_graphml, "csv": to_csv}
