// Takes the rendered monitoring objects apart (kubectl kustomize deploy/kubernetes/monitoring):
//   - writes each PrometheusRule's spec to OUT_DIR/<name>.rules.yml, for promtool check rules;
//   - asserts the dashboard ConfigMaps carry exactly dashboards/*.json (the files the dashboard
//     checks test), byte for byte, one per ConfigMap, labelled grafana_dashboard: "1";
//   - asserts one PrometheusRule per alerts/*.rules.yml (and rules/generated/budgets.rules.yml)
//     with the same groups.
// Usage: node unwrap_monitoring.js RENDERED.yaml OUT_DIR REPO_ROOT
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const [rendered, outDir, repo] = process.argv.slice(2);
const docs = YAML.parseAllDocuments(fs.readFileSync(rendered, 'utf8')).map((d) => d.toJS()).filter(Boolean);
let failures = 0;
const fail = (what) => { console.error(`FAIL: ${what}`); failures++; };
// JSON with sorted keys: kubectl kustomize reorders mapping keys, which YAML does not care about.
const canonical = (value) => JSON.stringify(value, (key, v) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v);

const rules = docs.filter((d) => d.kind === 'PrometheusRule');
const ruleFiles = fs.readdirSync(path.join(repo, 'alerts')).filter((f) => f.endsWith('.rules.yml')).sort();
const expectedRules = ruleFiles.map((f) => `specwatch-${f.replace(/\.rules\.yml$/, '')}`);
for (const extra of ['rules/generated/budgets.rules.yml']) {
  if (fs.existsSync(path.join(repo, extra))) expectedRules.push('specwatch-budgets');
}
const gotRules = rules.map((r) => r.metadata.name).sort();
if (JSON.stringify(gotRules) !== JSON.stringify(expectedRules.sort())) {
  fail(`PrometheusRules ${JSON.stringify(gotRules)} != one per rule file ${JSON.stringify(expectedRules)}`);
}
for (const rule of rules) {
  const name = rule.metadata.name.replace(/^specwatch-/, '');
  const bundled = path.join(repo, 'alerts', `${name}.rules.yml`);
  const generated = path.join(repo, 'rules', 'generated', `${name}.rules.yml`);
  const source = fs.existsSync(bundled) ? bundled : generated;
  if (fs.existsSync(source)) {
    const original = YAML.parse(fs.readFileSync(source, 'utf8'));
    if (canonical(original.groups) !== canonical(rule.spec.groups)) {
      fail(`PrometheusRule ${rule.metadata.name}: groups differ from ${path.relative(repo, source)}`);
    }
  }
  fs.writeFileSync(path.join(outDir, `${name}.rules.yml`), YAML.stringify({ groups: rule.spec.groups }));
  console.log(`unwrapped PrometheusRule ${rule.metadata.name}: ${rule.spec.groups.length} groups`);
}

const dashboards = fs.readdirSync(path.join(repo, 'dashboards')).filter((f) => f.endsWith('.json')).sort();
const maps = docs.filter((d) => d.kind === 'ConfigMap');
const carried = [];
for (const map of maps) {
  const keys = Object.keys(map.data || {});
  if (keys.length !== 1) fail(`ConfigMap ${map.metadata.name}: ${keys.length} files, expected 1`);
  if ((map.metadata.labels || {}).grafana_dashboard !== '1') {
    fail(`ConfigMap ${map.metadata.name}: label grafana_dashboard is not "1"`);
  }
  for (const key of keys) {
    carried.push(key);
    const file = path.join(repo, 'dashboards', key);
    if (!fs.existsSync(file)) { fail(`ConfigMap ${map.metadata.name}: dashboards/${key} does not exist`); continue; }
    if (map.data[key] !== fs.readFileSync(file, 'utf8')) {
      fail(`ConfigMap ${map.metadata.name}: ${key} differs from dashboards/${key}`);
    } else {
      console.log(`ConfigMap ${map.metadata.name} carries dashboards/${key} byte for byte`);
    }
  }
}
if (JSON.stringify(carried.sort()) !== JSON.stringify(dashboards)) {
  fail(`dashboard ConfigMaps carry ${JSON.stringify(carried)}, dashboards/*.json is ${JSON.stringify(dashboards)}`);
}
console.log(`${rules.length} PrometheusRules, ${maps.length} dashboard ConfigMaps, ${failures} problems`);
process.exit(failures > 0 ? 1 : 0);
