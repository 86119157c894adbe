import { probeBackends, versions, type BackendLoaders } from '../backends.js';
import { table, type GlobalOptions, type Ui } from '../ui.js';

const featureText = (f: Record<string, unknown> | undefined) =>
  f
    ? Object.entries(f)
        .filter(([k]) => k !== 'liveBytes')
        .map(([k, v]) => `${k}=${k === 'heapBytes' && typeof v === 'number' ? `${(v / 2 ** 20).toFixed(1)}MiB` : String(v)}`)
        .join(' ')
    : '';

/** `neurite info`: every backend variant, whether it starts and its features, the one auto picks, versions. */
export async function runInfo(g: GlobalOptions, ui: Ui, loaders?: BackendLoaders): Promise<number> {
  const { backends, auto } = await probeBackends({ threads: g.threads, loaders });
  const v = versions();
  if (ui.json) {
    ui.result({ auto, backends, versions: v, platform: { node: process.versions.node, os: process.platform, arch: process.arch } });
    return 0;
  }
  ui.out(table([['backend', 'available', 'features'], ...backends.map((b) => [b.label, b.available ? 'yes' : 'no', b.available ? featureText(b.features) : (b.error ?? '')])]));
  ui.out('');
  ui.out(`auto picks: ${auto ?? 'none (no backend starts)'}`);
  ui.out(`versions: ${Object.entries(v).map(([k, ver]) => `${k} ${ver ?? 'missing'}`).join(', ')}`);
  return 0;
}
