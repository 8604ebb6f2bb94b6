// The proxy's version, from package.json (tsc copies it next to dist/src at build time).
import packageJson from '../package.json';

export const VERSION: string = packageJson.version;
