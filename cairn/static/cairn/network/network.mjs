// Interactive link chart (Cytoscape.js) for the network page. Progressive enhancement:
// the page's tables carry the same data, so nothing depends on this file.
const container = document.getElementById("network-chart");
const dataElement = document.getElementById("network-elements");
const cytoscape = window.cytoscape;

const COLOURS = {
  person: "#1d70b8",
  child: "#d4351c",
  vehicle: "#00703c",
  phone: "#4c2c92",
  online_account: "#912b88",
  location: "#b58840",
};

if (container && dataElement && cytoscape) {
  const data = JSON.parse(dataElement.textContent);
  container.replaceChildren();
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", container.dataset.label || "Link chart");
  const cy = cytoscape({
    container,
    elements: [...data.nodes, ...data.edges],
    // More repulsion and longer edges than cose's defaults: labels need the room.
    layout: {
      name: "cose",
      animate: false,
      randomize: false,
      nodeRepulsion: () => 9000,
      idealEdgeLength: () => 70,
      nodeOverlap: 40,
      padding: 30,
    },
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "text-valign": "bottom",
          "text-margin-y": 4,
          // Long addresses are cut short here; the tables and the tapped node show all.
          "text-wrap": "ellipsis",
          "text-max-width": "150px",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": "2px",
          "background-color": (n) =>
            COLOURS[n.data("category") === "child" ? "child" : n.data("kind")] || "#505a5f",
          shape: (n) => (n.data("kind") === "person" ? "ellipse" : n.data("kind") === "location" ? "round-rectangle" : "diamond"),
        },
      },
      { selector: "node[?centre]", style: { "border-width": 4, "border-color": "#0b0c0c" } },
      { selector: "node.focus", style: { "text-wrap": "wrap", "text-max-width": "260px" } },
      {
        selector: "edge",
        style: {
          // Link types are shown for the tapped record's links only (all are in the table).
          label: "",
          "font-size": 9,
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "curve-style": "bezier",
          "target-arrow-shape": "triangle",
          width: 2,
          "line-color": "#6f777b",
          "target-arrow-color": "#6f777b",
          "text-rotation": "autorotate",
        },
      },
      { selector: "edge.focus", style: { label: "data(label)" } },
    ],
  });
  cy.on("tap", "node", (event) => {
    const node = event.target;
    cy.elements().removeClass("focus");
    cy.elements().not(node.closedNeighborhood()).style("opacity", 0.25);
    node.closedNeighborhood().style("opacity", 1);
    node.addClass("focus");
    node.connectedEdges().addClass("focus");
  });
  cy.on("tap", (event) => {
    if (event.target === cy) {
      cy.elements().style("opacity", 1);
      cy.elements().removeClass("focus");
    }
  });
  container.dataset.ready = "true";
}
