/* The communes on a map, on every dashboard (templates/dashboards/_map.html).
 *
 * One request (data-url, dashboards.views.map_data) returns a GeoJSON FeatureCollection: the
 * simplified shapes with each commune's values, and in its "ntm" member the legends (labels
 * translated by the server), the criteria, and the communes without a shape. No tile layer: the
 * map works offline. Clicking a commune opens its page; hovering shows its name and "đạt x/y".
 */
(function () {
  "use strict";

  var el = document.getElementById("ntm-map");
  if (!el || !window.L) {
    return;
  }
  var modeSelect = document.getElementById("map-mode");
  var criterionSelect = document.getElementById("map-criterion");
  var criterionPick = document.querySelector("[data-testid=map-criterion-pick]");
  var statusEl = document.querySelector("[data-testid=map-status]");
  var legendEl = document.querySelector("[data-testid=map-legend]");
  var missingEl = document.querySelector("[data-testid=map-missing]");
  var illustrativeEl = document.querySelector("[data-testid=map-illustrative]");
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "vi");

  function keyOf(properties, mode) {
    if (mode !== "criterion") {
      return properties[mode];
    }
    if (properties.other) {
      return "other";
    }
    if (!properties.unmet) {
      return "none";
    }
    var number = Number(criterionSelect.value);
    if (properties.unmet.indexOf(number) >= 0) {
      return "unmet";
    }
    return properties.unknown.indexOf(number) >= 0 ? "unknown" : "met";
  }

  function colours(legend) {
    var out = {};
    legend.forEach(function (item) { out[item.key] = item.colour; });
    return out;
  }

  function drawLegend(legend, counts) {
    legendEl.replaceChildren();
    legend.forEach(function (item) {
      var li = document.createElement("li");
      li.dataset.key = item.key;
      li.dataset.testid = "map-legend-item";
      var swatch = document.createElement("span");
      swatch.className = "map-swatch";
      swatch.style.backgroundColor = item.colour;
      li.append(swatch, item.label + " (" + numberFormat.format(counts[item.key] || 0) + ")");
      legendEl.append(li);
    });
  }

  function drawMissing(meta) {
    if (!meta.missing_count) {
      return;
    }
    var title = document.createElement("p");
    title.className = "mb-1";
    title.textContent = meta.missing_text;
    var list = document.createElement("ul");
    meta.missing.forEach(function (unit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = unit.url;
      a.textContent = unit.name;
      li.append(a);
      list.append(li);
    });
    missingEl.append(title, list);
    if (meta.missing_more) {
      var more = document.createElement("p");
      more.className = "mb-0";
      more.textContent = meta.missing_more;
      missingEl.append(more);
    }
    missingEl.hidden = false;
  }

  function draw(data) {
    var meta = data.ntm;
    drawMissing(meta);
    if (!meta.legends.roadmap) {
      var option = modeSelect.querySelector("option[value=roadmap]");
      if (option) {
        option.remove();
      }
    }
    meta.criteria.forEach(function (criterion) {
      var option = document.createElement("option");
      option.value = criterion.number;
      option.textContent = criterion.number + ". " + criterion.name;
      criterionSelect.append(option);
    });
    if (!data.features.length) {
      statusEl.textContent = el.dataset.emptyText;
      el.hidden = true;
      return;
    }
    if (meta.illustrative) {
      illustrativeEl.textContent = meta.illustrative_text;
      illustrativeEl.hidden = false;
    }
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
    map.attributionControl.setPrefix("Leaflet");
    if (meta.illustrative) {
      map.attributionControl.addAttribution('<span class="map-watermark">' + escapeHtml(meta.illustrative_text) + "</span>");
    }
    var layer = L.geoJSON(data, {
      style: function () {
        return { color: "#4d4d4d", weight: 1, opacity: 0.9, fillOpacity: 0.85 };
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(feature.properties.tip, { sticky: true });
        shape.on("click", function () { window.location.assign(feature.properties.url); });
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });

    function paint() {
      var mode = modeSelect.value;
      var legend = meta.legends[mode];
      var fill = colours(legend);
      var counts = {};
      criterionPick.hidden = mode !== "criterion";
      layer.eachLayer(function (shape) {
        var key = keyOf(shape.feature.properties, mode);
        counts[key] = (counts[key] || 0) + 1;
        shape.setStyle({ fillColor: fill[key] || "#ffffff" });
        var path = shape.getElement();
        if (path) {
          path.setAttribute("data-code", shape.feature.properties.code);
          path.setAttribute("data-key", key);
          path.setAttribute("data-testid", "map-commune");
        }
      });
      drawLegend(legend, counts);
      el.dataset.mode = mode;
    }
    modeSelect.addEventListener("change", paint);
    criterionSelect.addEventListener("change", paint);
    paint();
    statusEl.textContent = "";
    statusEl.hidden = true;
    el.dataset.ready = "1";
  }

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      statusEl.textContent = el.dataset.errorText;
    });
})();
