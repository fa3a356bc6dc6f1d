// Monokle's validation library (npm @monokle/validation, what the Monokle
// CLI and desktop app run) over every YAML file of a directory, as
// benches/peers.sh measures it against kubeharden:
//
//   node benches/monokle.mjs MONOKLE_PREFIX DIR
//
// MONOKLE_PREFIX is an npm prefix where `@monokle/validation` is installed
// (peers.sh installs it under ~/.cache). The plugins are Monokle's core
// plugins that run offline: `kubernetes-schema` fetches its schemas from
// the network and the OPA policies from Monokle's CDN at run time, which
// this machine cannot reach, so both are off; and with the schema plugin
// off, Monokle 0.33.0 throws on every CustomResourceDefinition (it
// registers the CRD's schema with that plugin), so CRDs are left out of
// its input. Prints the number of resources and problems to standard
// error.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [prefix, dir] = process.argv.slice(2);
if (!prefix || !dir) {
  console.error('usage: node benches/monokle.mjs MONOKLE_PREFIX DIR');
  process.exit(2);
}
const lib = join(prefix, 'node_modules/@monokle/validation/lib/index.js');
const { createDefaultMonokleValidator } = await import(pathToFileURL(lib).href);
const { parseAllDocuments } = await import(
  pathToFileURL(join(prefix, 'node_modules/yaml/dist/index.js')).href
);

function files(d, out = []) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const resources = [];
for (const path of files(dir)) {
  const text = readFileSync(path, 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const content = doc.toJS?.();
    if (!content || typeof content !== 'object' || !content.kind || !content.apiVersion) continue;
    if (content.kind === 'CustomResourceDefinition') continue;
    const [start, , end] = doc.range;
    resources.push({
      id: `${path}#${resources.length}`,
      fileId: path,
      filePath: path,
      fileOffset: 0,
      name: content.metadata?.name ?? '',
      apiVersion: content.apiVersion,
      kind: content.kind,
      namespace: content.metadata?.namespace,
      content,
      text: text.slice(start, end),
    });
  }
}

const validator = createDefaultMonokleValidator();
await validator.preload({
  plugins: {
    'pod-security-policy': true,
    'yaml-syntax': true,
    'resource-links': true,
    metadata: true,
    practices: true,
    'kubernetes-schema': false,
    'open-policy-agent': false,
  },
});
const response = await validator.validate({ resources });
const problems = response.runs.reduce((n, run) => n + run.results.length, 0);
console.error(`monokle: ${resources.length} resources, ${problems} problems`);
