/**
 * Go semantic versions, as golang.org/x/mod/semver defines them — not npm's semver.
 *
 * Rules enforced (https://go.dev/ref/mod#versions, x/mod/semver/semver.go):
 * - a version is `v` MAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]; the `v` is mandatory;
 * - `vX` and `vX.Y` mean `vX.0.0` and `vX.Y.0` and may not carry a prerelease or build;
 * - numbers have no leading zeros and any length; they are compared as strings;
 * - prerelease identifiers follow SemVer 2.0.0 (no leading zeros in numeric ones);
 * - build metadata is ignored by comparison and dropped by `canonical`;
 * - invalid versions are equal to each other and lower than any valid one.
 *
 * Module-level rules (the `+incompatible` suffix that survives canonicalization, path major
 * versions, pseudo-versions) live in `src/module/`.
 */
export * from './semver.js';
export * from './version-range.js';
