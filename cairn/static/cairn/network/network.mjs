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
    layout: { name: "cose", animate: false, randomize: false },
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "text-valign": "bottom",
          "text-margin-y": 4,
          "background-color": (n) =>
            COLOURS[n.data("category") === "child" ? "child" : n.data("kind")] || "#505a5f",
          shape: (n) => (n.data("kind") === "person" ? "ellipse" : n.data("kind") === "location" ? "round-rectangle" : "diamond"),
        },
      },
      { selector: "node[?centre]", style: { "border-width": 4, "border-color": "#0b0c0c" } },
      {
        selector: "edge",
        style: {
          label: "data(label)",
          "font-size": 9,
          "curve-style": "bezier",
          "target-arrow-shape": "triangle",
          width: 2,
          "line-color": "#6f777b",
          "target-arrow-color": "#6f777b",
          "text-rotation": "autorotate",
        },
      },
    ],
  });
  cy.on("tap", "node", (event) => {
    const node = event.target;
    cy.elements().removeClass("faded");
    cy.elements().not(node.closedNeighborhood()).style("opacity", 0.25);
    node.closedNeighborhood().style("opacity", 1);
  });
  cy.on("tap", (event) => {
    if (event.target === cy) cy.elements().style("opacity", 1);
  });
  container.dataset.ready = "true";
}
