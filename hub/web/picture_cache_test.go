package web

import (
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// The picture cache keeps a file one lifetime, never past it, stays within
// its bytes (dropping what expired first, then everything), refuses a file
// over a quarter of it, and is off with no lifetime.
func TestPictureCache(t *testing.T) {
	now := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	pic := func(n int) *servedPicture { return &servedPicture{data: make([]byte, n)} }
	c := newPictureCache(time.Second, 1000)
	c.keep(1, hub.SizeSmall, pic(200), now)
	if c.get(1, hub.SizeSmall, now.Add(999*time.Millisecond)) == nil {
		t.Error("not kept within its lifetime")
	}
	if c.get(1, hub.SizeSmall, now.Add(time.Second)) != nil {
		t.Error("kept past its lifetime")
	}
	if c.get(1, hub.SizeLarge, now) != nil {
		t.Error("the large copy answered for the small one")
	}
	c.keep(2, hub.SizeSmall, pic(251), now)
	if c.get(2, hub.SizeSmall, now) != nil {
		t.Error("a file over a quarter of the cache was kept")
	}
	// Full: the expired entry goes first, the fresh ones stay.
	later := now.Add(2 * time.Second)
	for id := int64(3); id <= 6; id++ {
		c.keep(id, hub.SizeSmall, pic(210), later)
	}
	if c.bytes != 840 || len(c.entries) != 4 || c.get(1, hub.SizeSmall, later) != nil || c.get(3, hub.SizeSmall, later) == nil || c.get(6, hub.SizeSmall, later) == nil {
		t.Errorf("after filling: %d bytes of %d, entries %d", c.bytes, c.max, len(c.entries))
	}
	// Nothing expired and no room: it starts again.
	c.keep(7, hub.SizeSmall, pic(250), later)
	if c.bytes != 250 || len(c.entries) != 1 || c.get(7, hub.SizeSmall, later) == nil {
		t.Errorf("over the bound: %d bytes, %d entries", c.bytes, len(c.entries))
	}
	if off := newPictureCache(0, 1000); off != nil || off.get(1, hub.SizeSmall, now) != nil {
		t.Error("a cache with no lifetime is on")
	}
	var off *pictureCache
	off.keep(1, hub.SizeSmall, pic(1), now) // nil: nothing, no panic
}
