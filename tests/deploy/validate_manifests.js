// Validates rendered Kubernetes manifests offline against the Kubernetes and Prometheus Operator
// schemas (npm kubernetes-models, @kubernetes-models/prometheus-operator; versions pinned by
// package-lock.json). Usage: node validate_manifests.js FILE.yaml...
// Prints one line per object; exits 1 when any object is invalid or of a kind without a schema.
'use strict';
const fs = require('fs');
const YAML = require('yaml');

const groups = {
  v1: (kind) => require(`kubernetes-models/v1/${kind}`)[kind],
  'apps/v1': (kind) => require(`kubernetes-models/apps/v1/${kind}`)[kind],
  'monitoring.coreos.com/v1': (kind) =>
    require(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`)[kind],
};

let failures = 0;
let objects = 0;
for (const file of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      console.error(`FAIL: ${file}: YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    objects++;
    const where = `${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata && obj.metadata.name}`;
    let Model;
    try {
      Model = groups[obj.apiVersion] && groups[obj.apiVersion](obj.kind);
    } catch (e) {
      Model = undefined;
    }
    if (!Model) {
      console.error(`FAIL: ${where}: no schema for this apiVersion/kind`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`valid: ${where}`);
    } catch (e) {
      console.error(`FAIL: ${where}: ${e.message}`);
      failures++;
    }
  }
}
if (objects === 0) {
  console.error('FAIL: no objects');
  failures++;
}
console.log(`${objects} objects, ${failures} problems`);
process.exit(failures > 0 ? 1 : 0);
