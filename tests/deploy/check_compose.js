// Checks deploy/docker/compose.yaml: it parses, every file it mounts or builds from exists,
// Grafana provisions exactly dashboards/*.json at the provider's path, Prometheus gets the
// bundled rules, Alertmanager the bundled routing with its secrets, and every image is pinned.
// Usage: node check_compose.js REPO_ROOT
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const repo = process.argv[2];
const dir = path.join(repo, 'deploy/docker');
const compose = YAML.parse(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'));
let failures = 0;
const check = (ok, what) => { if (ok) console.log(`ok: ${what}`); else { console.error(`FAIL: ${what}`); failures++; } };

const expected = ['specwatch', 'prometheus', 'alertmanager', 'grafana', 'kafka', 'elasticsearch'];
check(JSON.stringify(Object.keys(compose.services).sort()) === JSON.stringify(expected.slice().sort()),
      `services are ${expected.join(', ')}`);
const mounts = {};
for (const [name, service] of Object.entries(compose.services)) {
  if (service.image) {
    check(/:v?[0-9][\w.-]*$/.test(service.image), `${name}: image ${service.image} pinned to a version`);
  }
  mounts[name] = {};
  for (const volume of service.volumes || []) {
    const [source, target] = volume.split(':');
    if (source.startsWith('.')) {
      check(fs.existsSync(path.resolve(dir, source)), `${name}: mounted ${source} exists`);
      mounts[name][target] = path.relative(repo, path.resolve(dir, source));
    } else {
      check(compose.volumes && source in compose.volumes, `${name}: named volume ${source} declared`);
    }
  }
}
const build = compose.services.specwatch.build;
check(fs.existsSync(path.resolve(dir, build.context, build.dockerfile)), `specwatch: builds ${build.dockerfile}`);
for (const [name, secret] of Object.entries(compose.secrets || {})) {
  check(fs.existsSync(path.resolve(dir, secret.file)), `secret ${name}: ${secret.file} exists`);
}

// Grafana: the provider's path holds exactly the built dashboards.
const provider = YAML.parse(fs.readFileSync(path.join(repo, 'dashboards/provisioning/specwatch-dashboards.yml'), 'utf8'));
const dashPath = provider.providers[0].options.path;
check(mounts.grafana['/etc/grafana/provisioning/dashboards/specwatch.yml'] === 'dashboards/provisioning/specwatch-dashboards.yml',
      'grafana: the bundled dashboard provider is provisioned');
check(mounts.grafana['/etc/grafana/provisioning/datasources/specwatch.yml'] === 'deploy/docker/grafana/datasources.yml',
      'grafana: the Compose datasource is provisioned');
const datasources = YAML.parse(fs.readFileSync(path.join(dir, 'grafana/datasources.yml'), 'utf8'));
check(datasources.datasources[0].type === 'prometheus' && datasources.datasources[0].url === 'http://prometheus:9090',
      'grafana: datasource is the Compose Prometheus');
const provisioned = Object.entries(mounts.grafana).filter(([t]) => t.startsWith(dashPath + '/'))
  .map(([t, s]) => { check(s === `dashboards/${path.basename(t)}`, `grafana: ${t} is ${s}`); return path.basename(t); }).sort();
const built = fs.readdirSync(path.join(repo, 'dashboards')).filter((f) => f.endsWith('.json')).sort();
check(JSON.stringify(provisioned) === JSON.stringify(built),
      `grafana provisions exactly dashboards/*.json (${built.length}) under ${dashPath}`);

check(mounts.prometheus['/etc/prometheus/rules'] === 'alerts', 'prometheus: alerts/ mounted as rules/');
check(mounts.prometheus['/etc/prometheus/prometheus.yml'] === 'deploy/docker/prometheus/prometheus.yml', 'prometheus: config mounted');
check(mounts.alertmanager['/etc/alertmanager/alertmanager.yml'] === 'alerts/alertmanager.yml', 'alertmanager: bundled routing');
check(mounts.alertmanager['/etc/alertmanager/templates'] === 'alerts/templates', 'alertmanager: templates next to it');
const am = fs.readFileSync(path.join(repo, 'alerts/alertmanager.yml'), 'utf8');
const targets = (compose.services.alertmanager.secrets || []).map((s) => s.target);
for (const m of am.matchAll(/_file: (\S+)/g)) check(targets.includes(m[1]), `alertmanager: ${m[1]} provided as a secret`);
check(mounts.specwatch['/etc/specwatch/deploy/specwatch.yaml'] === 'deploy/specwatch.yaml' &&
      mounts.specwatch['/etc/specwatch/samples'] === 'samples', 'specwatch: bundled config with samples beside it');
console.log(`${failures} problems`);
process.exit(failures > 0 ? 1 : 0);
