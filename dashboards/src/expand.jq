# Expands a compact dashboard source into a Grafana dashboard (schemaVersion 39).
def ds: {"type": "prometheus", "uid": "${datasource}"};
def refids: ["A","B","C","D","E","F","G","H"];
def external_prefix: "External exporter:";

def variable($v):
  {
    "name": $v.name, "label": ($v.label // $v.name), "type": "query",
    "datasource": ds,
    "query": {"query": $v.query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
    "definition": $v.query,
    "refresh": 2, "sort": 1, "multi": true, "includeAll": true, "allValue": ".*",
    "current": {"selected": true, "text": ["All"], "value": ["$__all"]},
    "hide": 0, "options": [], "regex": ""
  };

def thresholds($p):
  {"mode": "absolute",
   "steps": ($p.thresholds // [{"color": "green", "value": null}])};

def panel($p; $id; $x; $y):
  {
    "id": $id,
    "type": $p.type,
    "title": $p.title,
    "description": $p.description,
    "datasource": ds,
    "gridPos": {"h": ($p.h // 8), "w": ($p.w // 8), "x": $x, "y": $y},
    "fieldConfig": {
      "defaults": ({
        "unit": $p.unit,
        "thresholds": thresholds($p),
        "color": {"mode": (if $p.thresholds then "thresholds" else "palette-classic" end)},
        "mappings": ($p.mappings // [])
      }
      + (if $p.min != null then {"min": $p.min} else {} end)
      + (if $p.max != null then {"max": $p.max} else {} end)
      + (if $p.type == "timeseries" then
           {"custom": ({"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
                        "showPoints": "never", "spanNulls": false,
                        "stacking": {"mode": (if $p.stack then "normal" else "none" end), "group": "A"},
                        "thresholdsStyle": {"mode": (if $p.thresholds then "line" else "off" end)}})}
         else {} end)),
      "overrides": []
    },
    "options": (
      if $p.type == "timeseries" then
        {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": true, "calcs": ["lastNotNull", "max"]},
         "tooltip": {"mode": "multi", "sort": "desc"}}
      elif $p.type == "table" then
        {"showHeader": true, "cellHeight": "sm"}
      else
        {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
         "orientation": "auto", "textMode": "auto", "colorMode": "value", "graphMode": "none",
         "showThresholdLabels": false, "showThresholdMarkers": true, "displayMode": "gradient"}
      end),
    "targets": [ $p.targets | to_entries[] | {
        "datasource": ds,
        "refId": refids[.key],
        "expr": .value.expr,
        "legendFormat": (.value.legend // "__auto"),
        "range": (($p.instant // false) | not),
        "instant": ($p.instant // false),
        "editorMode": "code"
      } + (if ($p.instant // false) then {"format": (if $p.type == "table" then "table" else "time_series" end)} else {} end) ]
  }
  + (if $p.type == "table" then {"transformations": [{"id": "merge", "options": {}}]} else {} end);

# Lays panels out left to right in rows of 24 columns; every source row starts a row panel.
def layout:
  reduce .rows[] as $row ({"y": 0, "id": 1, "panels": []};
    .panels += [{"id": .id, "type": "row", "title": $row.title, "collapsed": false,
                 "gridPos": {"h": 1, "w": 24, "x": 0, "y": .y}, "panels": []}]
    | .id += 1 | .y += 1 | .x = 0 | .rowh = 0
    | reduce $row.panels[] as $p (.;
        (if .x + ($p.w // 8) > 24 then .y += .rowh | .x = 0 | .rowh = 0 else . end)
        | .panels += [panel($p; .id; .x; .y)]
        | .id += 1 | .x += ($p.w // 8)
        | .rowh = ([.rowh, ($p.h // 8)] | max))
    | .y += .rowh)
  | .panels;

. as $src
| ($src | layout) as $panels
| [$panels[] | select((.description // "") | startswith(external_prefix)) | .title] as $external
| {
    "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "Prometheus that scrapes specwatch",
                  "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"}],
    "__elements": {},
    "__requires": ([{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
                    {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"}]
                   + ([$panels[] | select(.type != "row") | .type] | unique
                      | map({"type": "panel", "id": ., "name": ., "version": ""}))),
    "id": null,
    "uid": $src.uid,
    "title": $src.title,
    "description": ($src.description
      + (if ($external | length) > 0
         then " External exporter panels (not fed by specwatch): " + ($external | join("; ")) + "."
         else "" end)),
    "tags": (["specwatch"] + $src.tags),
    "timezone": "utc",
    "editable": true,
    "graphTooltip": 1,
    "schemaVersion": 39,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "timepicker": {},
    "fiscalYearStartMonth": 0,
    "liveNow": false,
    "weekStart": "",
    "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                              "enable": true, "hide": true, "iconColor": "rgba(0, 211, 255, 1)",
                              "name": "Annotations & Alerts", "type": "dashboard"}]},
    "links": [{"title": "specwatch dashboards", "type": "dashboards", "tags": ["specwatch"],
               "asDropdown": true, "includeVars": true, "keepTime": true, "icon": "external link",
               "targetBlank": false, "tooltip": "", "url": ""}],
    "templating": {"list": (
      [{"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
        "current": {}, "hide": 0, "includeAll": false, "multi": false, "options": [],
        "refresh": 1, "regex": "", "skipUrlSync": false}]
      + [($src.variables // [])[] | variable(.)])},
    "panels": $panels
  }
