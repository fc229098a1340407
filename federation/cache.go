package federation

import (
	"cmp"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Cache keeps values for a short time, so that a burst of requests reads
// the database once: the documents the hub renders (DocumentCache) and
// the settings they are rendered from (SettingsCache). Values are read
// again once they expire, so a change on the hub shows within that time.
// The default, NewMemoryCache, is this process's memory; a hub run as
// several processes can give New one they share (WithDocumentCache,
// WithSettingsCache).
type Cache[V any] interface {
	// Get returns the value under key unless it is missing or expired
	// at now.
	Get(key string, now time.Time) (V, bool)
	// Put keeps v under key until expires.
	Put(key string, v V, expires time.Time)
}

type (
	// DocumentCache keeps rendered actor, WebFinger and NodeInfo documents.
	DocumentCache = Cache[RenderedDocument]
	// SettingsCache keeps the hub's settings as federation last read them.
	SettingsCache = Cache[hub.Settings]
)

// maxCached bounds a memory cache: its keys come from a small set, so
// reaching it means something is wrong, and forgetting is always safe.
const maxCached = 1000

// memoryCache is a Cache in this process's memory. Its zero value is
// ready and keeps at most maxCached entries.
type memoryCache[V any] struct {
	mu      sync.Mutex
	entries map[string]memoryEntry[V]
	max     int // entries kept at most; 0 means maxCached
}

type memoryEntry[V any] struct {
	v       V
	expires time.Time
}

// NewMemoryCache returns a Cache in this process's memory.
func NewMemoryCache[V any]() Cache[V] {
	return &memoryCache[V]{}
}

func (c *memoryCache[V]) Get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *memoryCache[V]) Put(key string, v V, expires time.Time) {
	c.put(key, v, expires, time.Time{})
}

// put keeps v under key until expires. A new key in a full cache first
// drops the entries expired at now (none when now is zero), then, if it
// is still full, all of them: forgetting is always safe.
func (c *memoryCache[V]) put(key string, v V, expires, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]memoryEntry[V]{}
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= cmp.Or(c.max, maxCached) {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= cmp.Or(c.max, maxCached) {
			clear(c.entries)
		}
	}
	c.entries[key] = memoryEntry[V]{v, expires}
}

// forget drops key's entry.
func (c *memoryCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// len is how many entries are kept, expired ones included.
func (c *memoryCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// PolicyCache keeps the moderation policy (blocks and the allowlist, with
// the servers of followed peers in allowlist mode) between reads of the
// database. A change made through a Federation applies at once: it calls
// Forget. The default, NewMemoryPolicyCache, is this process's memory; a
// hub run as several processes gives New one they share
// (WithPolicyCache), so that a block made in one applies at once in all.
type PolicyCache interface {
	// Get returns the kept policy unless it is missing or expired at now,
	// and a token for Put.
	Get(now time.Time) (p hub.Policy, token uint64, ok bool)
	// Put keeps p until expires, unless Forget was called after the Get
	// that gave token: a read begun before a change must not outlive it.
	Put(p hub.Policy, token uint64, expires time.Time)
	// Forget drops the kept policy: it has changed.
	Forget()
}

// memoryPolicyCache is a PolicyCache in this process's memory; gen counts
// Forget calls.
type memoryPolicyCache struct {
	mu      sync.Mutex
	p       hub.Policy
	have    bool
	expires time.Time
	gen     uint64
}

// NewMemoryPolicyCache returns a PolicyCache in this process's memory.
func NewMemoryPolicyCache() PolicyCache { return &memoryPolicyCache{} }

func (c *memoryPolicyCache) Get(now time.Time) (hub.Policy, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.have || !now.Before(c.expires) {
		return hub.Policy{}, c.gen, false
	}
	return c.p, c.gen, true
}

func (c *memoryPolicyCache) Put(p hub.Policy, token uint64, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if token != c.gen {
		return
	}
	c.p, c.have, c.expires = p, true, expires
}

func (c *memoryPolicyCache) Forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.p, c.have = hub.Policy{}, false
	c.gen++
}
