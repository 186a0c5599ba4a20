/**
 * `GET /services/data/`: every API version from 20.0 (Winter '11) to `latest`, labelled by release.
 * Releases come three a year (Winter, Spring, Summer), one version each: v62.0 is Winter '25 and
 * v66.0 Spring '26 (reference §2). The reference's versions.json stops at v23.0, so the list is computed.
 */
export function versionsList(latest = 66): Array<{ label: string; url: string; version: string }> {
  const seasons = ['Winter', 'Spring', 'Summer'];
  return Array.from({ length: latest - 19 }, (_, i) => {
    const version = `${20 + i}.0`;
    const year = String(11 + Math.floor(i / 3)).padStart(2, '0');
    return { label: `${seasons[i % 3]} '${year}`, url: `/services/data/v${version}`, version };
  });
}

/** True for a version this sandbox serves (`62.0`): 20.0 up to the latest. */
export function isServedVersion(version: string, latest = 66): boolean {
  const match = /^(\d+)\.0$/.exec(version);
  return match !== null && Number(match[1]) >= 20 && Number(match[1]) <= latest;
}
