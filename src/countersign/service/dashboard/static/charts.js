// Draws each Vega-Lite spec embedded in the page (script[type=application/json][data-chart])
// with the vendored vega and vega-lite: no network, no build step.
(function () {
  function draw() {
    document.querySelectorAll("script[data-chart]").forEach(function (node) {
      var target = document.getElementById(node.dataset.chart);
      if (!target || target.dataset.drawn) return;
      target.dataset.drawn = "1";
      var spec = JSON.parse(node.textContent);
      var view = new vega.View(vega.parse(vegaLite.compile(spec).spec), {
        renderer: "svg", container: target, hover: true
      });
      view.runAsync().then(function () { target.dataset.ready = "1"; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
