// Copies the ES module build of @msgpack/msgpack from node_modules into the static
// resources, where the page and easyrpc.js import it. Run with `npm ci && npm run vendor`.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const name = '@msgpack/msgpack';
const wanted = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).devDependencies[name];
const source = join(here, 'node_modules', name);
if (!existsSync(source)) {
	throw new Error(`${name} is not installed: run npm ci first`);
}
const installed = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version;
if (installed !== wanted) {
	throw new Error(`${name} ${installed} is installed, package.json asks for ${wanted}: run npm ci`);
}
const target = join(here, 'src', 'main', 'resources', 'static', 'vendor', 'msgpack');
rmSync(target, { recursive: true, force: true });
cpSync(join(source, 'dist.esm'), target, {
	recursive: true,
	// The modules only: type declarations, source maps and build info stay behind.
	filter: (path) => !/\.(d\.ts|map|tsbuildinfo)$/.test(path),
});
cpSync(join(source, 'LICENSE'), join(target, 'LICENSE'));
cpSync(join(source, 'package.json'), join(target, 'package.json'));
console.log(`vendored ${name} ${installed} into ${target}`);
