package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/commonplace-hub/commonplace/hub/storetest"
)

// TestContracts runs the domain's store contract suite over SQLite.
func TestContracts(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db := mustOpen(t, filepath.Join(t.TempDir(), "hub.db"))
		return storetest.Stores{Stores: db.Stores(), Federation: db.Federation(), FederationCommons: db.Commons(), Calendars: db.Calendars()}
	})
}
