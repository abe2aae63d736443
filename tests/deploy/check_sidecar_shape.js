// Asserts the shape of the specwatch sidecar in rendered manifests (kubectl kustomize output).
// Usage: node check_sidecar_shape.js native|container FILE.yaml
//   native:    specwatch is an init container with restartPolicy: Always (Kubernetes >= 1.29)
//   container: specwatch is a regular container (the pre-1.29 variant)
// Prints every assertion it made; exits 1 on the first list of failures.
'use strict';
const fs = require('fs');
const YAML = require('yaml');

const [mode, file] = process.argv.slice(2);
if (!['native', 'container'].includes(mode) || !file) {
  console.error('usage: check_sidecar_shape.js native|container FILE.yaml');
  process.exit(2);
}
const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
let failures = 0;
let checks = 0;
const expect = (ok, what) => {
  checks++;
  if (!ok) {
    console.error(`FAIL: ${file}: ${what}`);
    failures++;
  }
};
const eq = (actual, expected, what) =>
  expect(JSON.stringify(actual) === JSON.stringify(expected),
         `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);

const deployments = docs.filter((d) => d.kind === 'Deployment');
eq(deployments.length, 1, 'one Deployment');
const configMaps = docs.filter((d) => d.kind === 'ConfigMap');
const secrets = docs.filter((d) => d.kind === 'Secret');

for (const deployment of deployments) {
  const pod = deployment.spec.template.spec;
  const inits = pod.initContainers || [];
  const containers = pod.containers || [];
  const inInit = inits.filter((c) => c.name === 'specwatch');
  const inMain = containers.filter((c) => c.name === 'specwatch');
  if (mode === 'native') {
    eq([inInit.length, inMain.length], [1, 0], 'specwatch is one init container, not a container');
  } else {
    eq([inInit.length, inMain.length], [0, 1], 'specwatch is one container, not an init container');
  }
  const sidecar = inInit[0] || inMain[0];
  if (!sidecar) continue;
  eq(sidecar.restartPolicy, mode === 'native' ? 'Always' : undefined, 'restartPolicy');
  eq(deployment.spec.template.metadata.labels['specwatch.io/sidecar'], 'true', 'pod label for the monitors');

  const metricsPort = (sidecar.ports || []).find((p) => p.name === 'metrics');
  eq(metricsPort && metricsPort.containerPort, 9464, 'port "metrics"');
  const probe = (p) => p && p.httpGet && [p.httpGet.path, p.httpGet.port];
  eq(probe(sidecar.startupProbe), ['/health', 'metrics'], 'startupProbe');
  eq(probe(sidecar.livenessProbe), ['/health', 'metrics'], 'livenessProbe');
  eq(probe(sidecar.readinessProbe), ['/ready', 'metrics'], 'readinessProbe');

  const sc = sidecar.securityContext || {};
  eq(sc.runAsNonRoot, true, 'securityContext.runAsNonRoot');
  expect(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, 'securityContext.runAsUser is a fixed non-zero UID');
  eq(sc.readOnlyRootFilesystem, true, 'securityContext.readOnlyRootFilesystem');
  eq(sc.allowPrivilegeEscalation, false, 'securityContext.allowPrivilegeEscalation');
  eq(sc.capabilities, { drop: ['ALL'] }, 'securityContext.capabilities');
  eq(sc.seccompProfile, { type: 'RuntimeDefault' }, 'securityContext.seccompProfile');

  const res = sidecar.resources || {};
  eq([res.requests && res.requests.cpu, res.requests && res.requests.memory,
      res.limits && res.limits.cpu, res.limits && res.limits.memory],
     ['50m', '48Mi', '500m', '128Mi'], 'resources (docs/DEPLOYMENT.md#sizing)');

  const volumes = Object.fromEntries((pod.volumes || []).map((v) => [v.name, v]));
  const mounts = Object.fromEntries((sidecar.volumeMounts || []).map((m) => [m.name, m]));
  // The shared log volume: an emptyDir, read-only in the sidecar, mounted in every app container.
  expect(volumes['app-logs'] && volumes['app-logs'].emptyDir, 'volume app-logs is an emptyDir');
  eq(mounts['app-logs'] && [mounts['app-logs'].mountPath, mounts['app-logs'].readOnly],
     ['/var/log/app', true], 'sidecar mounts app-logs read-only at /var/log/app');
  const apps = containers.filter((c) => c.name !== 'specwatch');
  expect(apps.length >= 1, 'at least one application container');
  for (const app of apps) {
    const m = (app.volumeMounts || []).find((v) => v.name === 'app-logs');
    expect(m && m.mountPath && !m.readOnly, `application container ${app.name} mounts app-logs writable`);
    if (m) console.log(`  ${app.name} writes its logs to ${m.mountPath}`);
  }
  // State: survives container restarts (pod-lifetime emptyDir or a claim), at the state_dir.
  const state = volumes['specwatch-state'];
  expect(state && (state.emptyDir || state.persistentVolumeClaim), 'volume specwatch-state is an emptyDir or a PVC');
  eq(mounts['specwatch-state'] && [mounts['specwatch-state'].mountPath, !!mounts['specwatch-state'].readOnly],
     ['/var/lib/specwatch', false], 'state volume mounted writable at /var/lib/specwatch');
  // Configuration from the ConfigMap of the same render.
  const cfgVolume = volumes['specwatch-config'];
  const cfgMap = cfgVolume && configMaps.find((c) => c.metadata.name === cfgVolume.configMap.name);
  expect(cfgMap && cfgMap.data['specwatch.yaml'], 'specwatch-config volume refers to a rendered ConfigMap with specwatch.yaml');
  eq(mounts['specwatch-config'] && [mounts['specwatch-config'].mountPath, mounts['specwatch-config'].readOnly],
     ['/etc/specwatch', true], 'configuration mounted read-only at /etc/specwatch');
  eq(sidecar.args, ['run', '--config', '/etc/specwatch/specwatch.yaml'], 'args');
  // Credentials only as files: a Secret volume, no environment variable from a Secret.
  const credVolume = volumes['specwatch-credentials'];
  const credSecret = credVolume && credVolume.secret && secrets.find((s) => s.metadata.name === credVolume.secret.secretName);
  expect(credSecret, 'specwatch-credentials volume refers to a rendered Secret');
  eq(mounts['specwatch-credentials'] && [mounts['specwatch-credentials'].mountPath, mounts['specwatch-credentials'].readOnly],
     ['/var/run/secrets/specwatch', true], 'credentials mounted read-only as files');
  const envFromSecret = (sidecar.env || []).some((e) => e.valueFrom && e.valueFrom.secretKeyRef) ||
                        (sidecar.envFrom || []).some((e) => e.secretRef);
  eq(envFromSecret, false, 'no credential in the environment');
  // Graceful termination longer than the sidecar's own drain.
  if (cfgMap) {
    const config = YAML.parse(cfgMap.data['specwatch.yaml']);
    const drainMs = config.shutdown_timeout_ms === undefined ? 5000 : Number(config.shutdown_timeout_ms);
    const grace = pod.terminationGracePeriodSeconds === undefined ? 30 : pod.terminationGracePeriodSeconds;
    expect(grace * 1000 > drainMs, `terminationGracePeriodSeconds ${grace} s > shutdown_timeout_ms ${drainMs} ms`);
    eq(config.state_dir, '/var/lib/specwatch', 'state_dir of the configuration is the state volume');
    console.log(`  sources: ${(config.sources || []).map((s) => `${s.name} ${s.include.join(',')}`).join('; ')}`);
  }
}
console.log(`${file}: ${checks} assertions, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
