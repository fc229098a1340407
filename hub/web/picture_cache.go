package web

import (
	"net/http"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// pictureCacheBytes bounds the picture files kept in memory: a few hundred
// thumbnails, or some dozens of large copies.
const pictureCacheBytes = 16 << 20

// pictureCache keeps the picture files readers ask for, each for as long as
// the page cache keeps pages (Config.PageCache; 0: off), so that a list
// whose twenty thumbnails every reader loads reads each from SQLite about
// once a lifetime rather than once a request. A picture's address never
// names another picture (ids are not reused, the hash is in the file
// name), so a kept file is never a wrong one; a removed picture is served
// at most one lifetime longer, as a changed page is. Bounded in bytes:
// when full, what has expired goes, and if that is not enough, everything.
type pictureCache struct {
	ttl     time.Duration
	max     int
	mu      sync.Mutex
	bytes   int
	entries map[pictureKey]pictureEntry
}

type pictureKey struct {
	id   int64
	size hub.PictureSize
}

type pictureEntry struct {
	p       *servedPicture
	bytes   int
	expires time.Time
}

func newPictureCache(ttl time.Duration, max int) *pictureCache {
	if ttl <= 0 {
		return nil
	}
	return &pictureCache{ttl: ttl, max: max, entries: map[pictureKey]pictureEntry{}}
}

// get returns the kept derivative, or nil when none is kept or it expired.
func (c *pictureCache) get(id int64, size hub.PictureSize, now time.Time) *servedPicture {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[pictureKey{id, size}]
	if !ok || !now.Before(e.expires) {
		return nil
	}
	return e.p
}

// keep keeps p, the derivative size, for one lifetime.
func (c *pictureCache) keep(id int64, size hub.PictureSize, p *servedPicture, now time.Time) {
	if c == nil || len(p.data) > c.max/4 {
		return
	}
	n := len(p.data)
	c.mu.Lock()
	defer c.mu.Unlock()
	key := pictureKey{id, size}
	if old, ok := c.entries[key]; ok {
		c.bytes -= old.bytes
	}
	if c.bytes+n > c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				c.bytes -= e.bytes
				delete(c.entries, k)
			}
		}
		if c.bytes+n > c.max {
			c.entries, c.bytes = map[pictureKey]pictureEntry{}, 0
		}
	}
	c.entries[key] = pictureEntry{p: p, bytes: n, expires: now.Add(c.ttl)}
	c.bytes += n
}

// pictureData reads one derivative of a picture, ready to send, from the
// picture cache when it is there.
func (s *Server) pictureData(r *http.Request, id int64, size hub.PictureSize) (*servedPicture, error) {
	now := time.Now()
	if p := s.pictures.get(id, size, now); p != nil {
		return p, nil
	}
	p, err := s.svc.PictureFile(r.Context(), id, size)
	if err != nil {
		return nil, err
	}
	sp := newServedPicture(p, size)
	s.pictures.keep(id, size, sp, now)
	return sp, nil
}
