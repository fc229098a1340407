// Package interop tests the hub against an independent ActivityPub
// implementation running as a real process on loopback: a small peer
// built on @fedify/fedify (testdata/fedify, exact versions pinned in its
// lockfile; `make test-deps` installs it). The tests skip when Node.js or
// the peer's packages are missing, except in CI (CI set), where that fails.
package interop
