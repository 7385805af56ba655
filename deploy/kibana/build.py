"""Build ``saved_objects.ndjson``: the Kibana 7.10 data view, saved searches and dashboard.

Run ``python deploy/kibana/build.py`` after changing this file and commit both; a test fails
when the committed NDJSON differs from what this builder writes. Every field referenced here
is checked against ``indexer/mappings/posts.v1.json`` by ``tests/deploy``. Legacy
visualizations cannot aggregate on ``nested`` fields, so they use the flat ``facets.*``
fields; only the Vega map of places by role runs its own nested aggregation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

INDEX_PATTERN_ID = "centinela-posts"
INDEX_TITLE = "centinela-posts"
TIME_FIELD = "published_at"
KIBANA_VERSION = "7.10.2"
OUTPUT = Path(__file__).with_name("saved_objects.ndjson")
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
# Migration versions Kibana 7.10 stamps on its own exports: objects are taken as already current.
MIGRATIONS = {"index-pattern": "7.6.0", "search": "7.9.3", "visualization": "7.10.0",
              "dashboard": "7.9.3"}
ROLES = ("origin", "transit", "crossing", "destination", "unknown")

SavedObject = dict[str, Any]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _search_source(query: str = "", with_index: bool = True) -> dict[str, Any]:
    source: dict[str, Any] = {"query": {"query": query, "language": "kuery"}, "filter": []}
    if with_index:
        source["indexRefName"] = INDEX_REF
    return {"searchSourceJSON": _dumps(source)}


def _index_ref() -> list[dict[str, str]]:
    return [{"name": INDEX_REF, "type": "index-pattern", "id": INDEX_PATTERN_ID}]


def _object(kind: str, object_id: str, attributes: dict[str, Any],
            references: list[dict[str, str]]) -> SavedObject:
    return {"id": object_id, "type": kind, "attributes": attributes,
            "references": references, "migrationVersion": {kind: MIGRATIONS[kind]}}


def index_pattern() -> SavedObject:
    """The data view on the ``centinela-posts`` alias; Kibana reads the field list itself."""
    return _object("index-pattern", INDEX_PATTERN_ID,
                   {"title": INDEX_TITLE, "timeFieldName": TIME_FIELD}, [])


def saved_search(object_id: str, title: str, description: str, query: str,
                 columns: list[str], sort: list[list[str]]) -> SavedObject:
    """A Discover saved search with a KQL query, columns and sort."""
    attributes = {"title": title, "description": description, "hits": 0, "version": 1,
                  "columns": columns, "sort": sort,
                  "kibanaSavedObjectMeta": _search_source(query)}
    return _object("search", object_id, attributes, _index_ref())


def searches() -> list[SavedObject]:
    """New ads in the last 24 h, ads by contact and ads by route."""
    newest = [[TIME_FIELD, "desc"]]
    return [
        saved_search("centinela-new-ads-24h", "Centinela: new ads (last 24 h)",
                     "Posts classified as smuggling ads published in the last 24 hours.",
                     'nlp.is_smuggling_ad : true and published_at >= "now-24h"',
                     ["platform", "author.handle", "facets.place_canonicals",
                      "facets.max_price_usd", "facets.contact_values", "text"], newest),
        saved_search("centinela-ads-by-contact", "Centinela: ads by contact",
                     "Ads that give a contact. Narrow with facets.contact_values : \"+52…\".",
                     "nlp.is_smuggling_ad : true and facets.contact_values : *",
                     ["facets.contact_values", "facets.contact_types", "facets.alias_values",
                      "author.handle", "platform", "text"],
                     [["facets.contact_values", "asc"], [TIME_FIELD, "desc"]]),
        saved_search("centinela-ads-by-route", "Centinela: ads by route",
                     "Ads naming a crossing or a destination. Narrow with facets.crossings : …",
                     "nlp.is_smuggling_ad : true and (facets.crossings : * or "
                     "facets.destinations : *)",
                     ["facets.origins", "facets.transits", "facets.crossings",
                      "facets.destinations", "facets.min_price_usd", "facets.max_price_usd",
                      "text"],
                     [["facets.crossings", "asc"], [TIME_FIELD, "desc"]]),
    ]


def _agg(agg_id: str, agg_type: str, schema: str, **params: Any) -> dict[str, Any]:
    return {"id": agg_id, "enabled": True, "type": agg_type, "schema": schema, "params": params}


def _terms(agg_id: str, field: str, size: int, schema: str = "bucket",
           label: str = "") -> dict[str, Any]:
    return _agg(agg_id, "terms", schema, field=field, size=size, order="desc", orderBy="1",
                otherBucket=False, missingBucket=False, customLabel=label)


def visualization(object_id: str, title: str, vis_type: str, params: dict[str, Any],
                  aggs: list[dict[str, Any]], query: str = "") -> SavedObject:
    """A legacy (visState) visualization; Vega names its index in its spec, not a data view."""
    vis_state = {"title": title, "type": vis_type, "params": params, "aggs": aggs}
    on_data_view = vis_type != "vega"
    attributes = {"title": title, "description": "", "version": 1, "uiStateJSON": "{}",
                  "visState": _dumps(vis_state),
                  "kibanaSavedObjectMeta": _search_source(query, with_index=on_data_view)}
    return _object("visualization", object_id, attributes,
                   _index_ref() if on_data_view else [])


def _table_params() -> dict[str, Any]:
    return {"perPage": 10, "showPartialRows": False, "showMetricsAtAllLevels": False,
            "showTotal": False, "totalFunc": "sum", "percentageCol": ""}


def places_map_spec() -> dict[str, Any]:
    """A Vega map: place mentions per role, from a nested aggregation on ``nlp.places``."""
    body = {"size": 0, "aggs": {"places": {"nested": {"path": "nlp.places"}, "aggs": {
        "roles": {"terms": {"field": "nlp.places.role", "size": len(ROLES)}, "aggs": {
            "cells": {"geotile_grid": {"field": "nlp.places.location", "precision": 7,
                                       "size": 1000},
                      "aggs": {"centre": {"geo_centroid": {"field": "nlp.places.location"}}}},
        }}}}}}
    return {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "config": {"kibana": {"type": "map", "latitude": 20, "longitude": -90, "zoom": 3,
                              "delayRepaint": True}},
        "data": [
            {"name": "roles",
             "url": {"index": INDEX_TITLE, "%context%": True, "%timefield%": TIME_FIELD,
                     "body": body},
             "format": {"property": "aggregations.places.roles.buckets"}},
            {"name": "cells", "source": "roles",
             "transform": [
                 {"type": "flatten", "fields": ["cells.buckets"], "as": ["cell"]},
                 {"type": "geopoint", "projection": "projection",
                  "fields": ["cell.centre.location.lon", "cell.centre.location.lat"]}]},
        ],
        "scales": [
            {"name": "color", "type": "ordinal", "domain": list(ROLES), "range": "category"},
            {"name": "size", "type": "sqrt", "range": [30, 600],
             "domain": {"data": "cells", "field": "cell.doc_count"}},
        ],
        "legends": [{"fill": "color", "title": "role"}],
        "marks": [{"type": "symbol", "from": {"data": "cells"}, "encode": {"update": {
            "x": {"field": "x"}, "y": {"field": "y"}, "fillOpacity": {"value": 0.7},
            "fill": {"scale": "color", "field": "key"},
            "size": {"scale": "size", "field": "cell.doc_count"},
            "tooltip": {"signal": "{role: datum.key, mentions: datum.cell.doc_count}"}}}}],
    }


def visualizations() -> list[SavedObject]:
    """Ads over time by platform, prices by route, places by role, top contacts and aliases."""
    count = _agg("1", "count", "metric")
    over_time = visualization(
        "centinela-ads-over-time", "Centinela: ads over time by platform", "histogram",
        {"type": "histogram", "addLegend": True, "legendPosition": "right", "addTooltip": True},
        [count, _agg("2", "date_histogram", "segment", field=TIME_FIELD, interval="auto",
                     min_doc_count=1, extended_bounds={}),
         _terms("3", "platform", 10, schema="group")],
        query="nlp.is_smuggling_ad : true")
    by_route = visualization(
        "centinela-prices-by-route", "Centinela: prices by route (USD)", "table",
        _table_params(),
        [count,
         _agg("2", "min", "metric", field="facets.min_price_usd", customLabel="lowest USD"),
         _agg("3", "median", "metric", field="facets.min_price_usd", customLabel="median USD"),
         _agg("4", "max", "metric", field="facets.max_price_usd", customLabel="highest USD"),
         _terms("5", "facets.crossings", 20, label="crossing"),
         _terms("6", "facets.destinations", 10, label="destination")],
        query="nlp.is_smuggling_ad : true and facets.price_count > 0")
    places = visualization(
        "centinela-places-by-role", "Centinela: places by role (map)", "vega",
        {"spec": json.dumps(places_map_spec(), ensure_ascii=False, indent=2)}, [])
    contacts = visualization(
        "centinela-top-contacts", "Centinela: top contacts", "table", _table_params(),
        [count, _agg("2", "cardinality", "metric", field="author.handle",
                     customLabel="accounts"),
         _agg("3", "max", "metric", field=TIME_FIELD, customLabel="last seen"),
         _terms("4", "facets.contact_values", 25, label="contact")])
    aliases = visualization(
        "centinela-top-aliases", "Centinela: top aliases", "table", _table_params(),
        [count, _agg("2", "cardinality", "metric", field="facets.contact_keys",
                     customLabel="contacts"),
         _agg("3", "max", "metric", field=TIME_FIELD, customLabel="last seen"),
         _terms("4", "facets.alias_values", 25, label="alias")])
    return [over_time, by_route, places, contacts, aliases]


def dashboard(panels: list[SavedObject]) -> SavedObject:
    """One dashboard laying ``panels`` out two per row."""
    panel_specs: list[dict[str, Any]] = []
    references: list[dict[str, str]] = []
    for number, panel in enumerate(panels):
        name = f"panel_{number}"
        grid = {"x": 24 * (number % 2), "y": 15 * (number // 2), "w": 24, "h": 15,
                "i": str(number + 1)}
        panel_specs.append({"version": KIBANA_VERSION, "gridData": grid,
                            "panelIndex": str(number + 1), "embeddableConfig": {},
                            "panelRefName": name})
        references.append({"name": name, "type": panel["type"], "id": panel["id"]})
    attributes = {
        "title": "Centinela: overview", "hits": 0, "version": 1,
        "description": "Smuggling ads over time, prices by route, places by role, "
                       "top contacts and aliases.",
        "panelsJSON": _dumps(panel_specs),
        "optionsJSON": _dumps({"useMargins": True, "hidePanelTitles": False}),
        "timeRestore": True, "timeFrom": "now-30d", "timeTo": "now",
        "refreshInterval": {"pause": True, "value": 0},
        "kibanaSavedObjectMeta": _search_source(with_index=False),
    }
    return _object("dashboard", "centinela-overview", attributes, references)


def build() -> list[SavedObject]:
    """Every saved object, referenced objects before the objects that reference them."""
    panels = visualizations()
    return [index_pattern(), *searches(), *panels, dashboard(panels)]


def render(objects: list[SavedObject]) -> str:
    """The NDJSON text Kibana's import API takes: one object per line, stable key order."""
    return "".join(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n" for obj in objects)


def main(argv: list[str]) -> int:
    """Write ``saved_objects.ndjson`` (or the path given) and print how many objects."""
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    objects = build()
    target.write_text(render(objects), encoding="utf-8")
    print(f"wrote {len(objects)} saved objects to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
