// Community Relations Desk: pan-and-zoom maps on staff pages, and the intake picker.
// Progressive enhancement: each map's SVG (or the picker's plain inputs) works without
// this file. It reads the JSON data island the template tag left (accounts/templatetags/
// maps.py) and draws the same areas, shades, counts and points with Leaflet. The base layer
// is the agency's own tile server when one is set, else the boundaries alone: nothing is
// fetched from elsewhere.
(function () {
  "use strict";
  if (window.crdMapsReady) return;
  window.crdMapsReady = true;

  // GeoJSON order (longitude, latitude) to Leaflet's (latitude, longitude).
  function latLngs(polygons) {
    return polygons.map(function (poly) {
      return poly.map(function (ring) {
        return ring.map(function (p) { return [p[1], p[0]]; });
      });
    });
  }

  function baseMap(element, data) {
    var map = L.map(element, { zoomSnap: 0.25, attributionControl: !!data.tiles });
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var group = L.featureGroup().addTo(map);
    // Points above the areas' labels (tooltips sit at 650): one at an area's middle shows.
    map.createPane("points").style.zIndex = 660;
    data.shapes.forEach(function (shape) {
      var layer = L.polygon(latLngs(shape.polygons), {
        // On the picker a click anywhere is the map's (a polygon's popup would take it).
        interactive: !data.pick,
        color: "#4a5568",
        weight: 1,
        fillColor: shape.fill || "#f7fbff",
        fillOpacity: data.tiles ? 0.55 : 0.9,
      }).addTo(group);
      var label = shape.value === null || shape.value === undefined
        ? shape.code : shape.code + " · " + shape.value;
      layer.bindTooltip(label, {
        permanent: true, direction: "center", className: "map-label", interactive: false,
      });
      if (!data.pick) {
        layer.bindPopup(shape.name + (shape.value === null ? "" : ": " + shape.value));
      }
    });
    return { map: map, group: group };
  }

  // Room is left on the right for the legend, so it never covers an area's label.
  function fit(map, group, legend) {
    var bounds = group.getBounds();
    if (!bounds.isValid()) {
      map.setView([0, 0], 1);
      return;
    }
    map.fitBounds(bounds, {
      paddingTopLeft: [8, 8], paddingBottomRight: [legend ? 86 : 8, 8],
    });
  }

  function areaMap(frame, data) {
    var holder = document.createElement("div");
    holder.className = "leaflet-area-map";
    if (frame.classList.contains("area-map-small")) holder.classList.add("leaflet-area-map-small");
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", frame.querySelector("svg").getAttribute("aria-label"));
    frame.parentNode.insertBefore(holder, frame);
    // The SVG stays for print (the CSS shows it there) and for screen readers' summary.
    frame.classList.add("area-map-replaced");
    var made = baseMap(holder, data);
    data.points.forEach(function (p) {
      L.circleMarker(p, {
        radius: 4, color: "#ffffff", weight: 1, fillColor: "#b3261e", fillOpacity: 1,
        pane: "points",
      }).addTo(made.group);
    });
    if (data.legend.length) legendControl(data.legend).addTo(made.map);
    fit(made.map, made.group, data.legend.length > 0);
  }

  // What the shades count, as on the SVG's legend.
  function legendControl(items) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      items.forEach(function (item) {
        var row = L.DomUtil.create("div", "", box);
        var swatch = L.DomUtil.create("span", "map-swatch", row);
        swatch.style.backgroundColor = item[0];
        row.appendChild(document.createTextNode(" " + item[1]));
      });
      return box;
    };
    return control;
  }

  function picker(frame, data) {
    var lat = document.getElementById(data.latitude_id);
    var lon = document.getElementById(data.longitude_id);
    if (!lat || !lon) return;
    if (!data.shapes.length && !data.tiles) return; // nothing to click on: the inputs alone
    frame.hidden = false;
    var block = frame.parentNode;
    var help = block.querySelector(".map-pick-help");
    var clear = block.querySelector(".map-pick-clear");
    if (help) help.hidden = false;
    if (clear) clear.hidden = false;
    var made = baseMap(frame, data);
    var map = made.map;
    var marker = null;

    function current() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (isNaN(a) || isNaN(b) || a < -90 || a > 90 || b < -180 || b > 180) return null;
      return L.latLng(a, b);
    }
    function place(point) {
      if (!point) {
        if (marker) map.removeLayer(marker);
        marker = null;
        return;
      }
      if (!marker) {
        marker = L.circleMarker(point, {
          radius: 7, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1,
          pane: "points",
        }).addTo(map);
        marker.bindTooltip(data.words.point);
      } else {
        marker.setLatLng(point);
      }
    }
    function set(point) {
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      [lat, lon].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      place(point);
    }

    map.on("click", function (event) { set(event.latlng); });
    frame.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === frame) {
        event.preventDefault();
        set(map.getCenter());
      }
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("input", function () {
        var point = current();
        place(point);
        if (point && !map.getBounds().contains(point)) map.panTo(point);
      });
    });
    if (clear) {
      clear.addEventListener("click", function () {
        lat.value = "";
        lon.value = "";
        place(null);
        frame.focus();
      });
    }
    fit(map, made.group);
    var start = current();
    if (start) {
      place(start);
      if (!made.group.getBounds().isValid()) map.setView(start, 15);
    }
  }

  function start() {
    if (!window.L) return;
    document.querySelectorAll("[data-map]").forEach(function (frame) {
      if (frame.dataset.mapDone) return;
      var island = document.getElementById(frame.dataset.map);
      if (!island) return;
      frame.dataset.mapDone = "1";
      var data = JSON.parse(island.textContent);
      if (data.pick) picker(frame, data);
      else areaMap(frame, data);
    });
  }

  // The concern list's map is a fragment of its own, asked for when its folded section is
  // first opened (the list comes first and costs nothing more): the link (the page without
  // scripts) is replaced by the map when it arrives.
  function fragments() {
    document.querySelectorAll("[data-map-fragment]").forEach(function (slot) {
      var folded = slot.closest("details");
      if (folded && !folded.open) {
        folded.addEventListener("toggle", function () { if (folded.open) load(slot); });
        return;
      }
      load(slot);
    });
  }

  function load(slot) {
    if (!slot.hasAttribute("data-map-fragment")) return;
    var url = slot.getAttribute("data-map-fragment");
    slot.removeAttribute("data-map-fragment");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        slot.innerHTML = html;
        slot.classList.remove("no-print");
        start();
      })
      .catch(function () { /* the link stays: the map is a page of its own */ });
  }

  function ready() {
    start();
    fragments();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  // A map that arrives later (the concern list's map fragment) calls this again.
  window.crdMaps = start;
})();
