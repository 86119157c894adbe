// @ts-check

/**
 * Compares every ratio that has a floor with the floor. Only ratios are gated:
 * two things timed in one run on one machine keep their ratio when the shared
 * machine gets slower, while absolute times do not. A floor whose ratio was
 * not measured fails too, so a contender that stopped loading cannot pass.
 * @param {import('./types.js').Results} results
 * @param {Record<string, number>} floors
 * @param {string[]} suitesRun only floors of these suites apply
 */
export function checkFloors(results, floors, suitesRun) {
  /** @type {Map<string, number>} */
  const measured = new Map();
  for (const s of results.suites) for (const c of s.cases) for (const r of c.ratios) measured.set(r.id, r.value);
  const rows = Object.entries(floors)
    .filter(([id]) => suitesRun.includes(id.split('/')[0]))
    .map(([id, floor]) => {
      const value = measured.get(id);
      return { id, floor, value, ok: value !== undefined && value >= floor };
    });
  return { rows, ok: rows.every((r) => r.ok) };
}
