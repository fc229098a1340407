// Package layering holds the test that keeps Commonplace's dependency
// arrows pointing one way (see docs/ARCHITECTURE.md): the domain (hub)
// depends on nothing of the module, storage only on the domain and leaf
// internal packages, the web front end knows neither federation nor
// storage, federation knows neither storage nor the web front end, and
// nothing imports cmd. The rules are a table in layering_test.go; the
// package has no code of its own.
package layering
