/**
 * A helm post-renderer (`helm install --post-renderer`): reads the rendered chart on stdin and writes it
 * back with the Service and APIServices pointed at our local process (see loopback.ts). The port is its
 * one argument.
 */
import { text } from 'node:stream/consumers';
import { stringify } from 'yaml';
import { parseManifests } from '../deploy/manifests.js';
import { toLoopback } from './loopback.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: loopback-post-renderer <port>\n');
  process.exit(2);
}
const objs = toLoopback(parseManifests(await text(process.stdin)), port);
process.stdout.write(objs.map((o) => stringify(o)).join('---\n'));
