package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// LoginCounters keeps the counts that login throttling decides by. Each
// key has a level that Take raises by one and that drains by one every
// drain (a leaky bucket), so a count is "recent attempts" without a list
// of them. Implementations must be safe for concurrent use. The one in
// this package (NewMemoryLoginCounters) is per process; the interface is
// this small so that several processes could share one (a table, a cache
// server), which is also why every method takes a context and may fail.
type LoginCounters interface {
	// Take raises key's level by one if it is then at most limit, and
	// reports true. Otherwise it changes nothing and returns false and
	// how long until the level has drained enough for one more.
	Take(ctx context.Context, key string, now time.Time, drain time.Duration, limit int) (ok bool, wait time.Duration, err error)
	// Level returns key's level at now: 0 for a key never seen.
	Level(ctx context.Context, key string, now time.Time, drain time.Duration) (float64, error)
}

// Login throttling: the policy. Attempts to log in, and to give the
// current password when changing it, are counted two ways.
//
//   - Per client: every attempt, before the password is checked (checking
//     costs an argon2id hash), against the client's address, or for IPv6
//     its /64, since one home or server gets a whole /64 and counting
//     single addresses would give one attacker 2^64 allowances. Over the
//     limit (Config.LoginRate a minute, as a burst too) the answer is 429
//     with "wait N seconds" and Retry-After, and the password is not
//     checked, right or wrong.
//   - Per account (the email tried, known or not, so the answer says
//     nothing about which exist): failed attempts, from anywhere. Beyond
//     accountFreeFailures recent ones, every attempt on that account is
//     slowed by a delay that grows with the failures (accountDelayStep
//     each, at most accountMaxDelay) and is then checked as usual. It is
//     never refused because of the account.
//
// So an attack on one account from many addresses cannot lock its owner
// out: the owner's attempt from any client within its own limit is
// checked, at worst after a few seconds, and the right password logs in.
// Refusing by account would hand anyone who knows an organiser's email
// the power to keep them out. The price is that the per-account rule only
// slows an attacker with many addresses (each of which still has its own
// limit, and IPv6 ones a /64 each): the last defences are the password
// rules (hub.MinPasswordLength) and argon2id.
const (
	accountFreeFailures = 5
	accountDrain        = 6 * time.Minute // 10 failures an hour drain away
	accountDelayStep    = time.Second
	accountMaxDelay     = 5 * time.Second
	// accountMaxLevel: the failures counted stop here, where the delay is
	// at its most, so an account's delays end within an hour of an attack.
	accountMaxLevel = accountFreeFailures + int(accountMaxDelay/accountDelayStep)
)

type loginThrottle struct {
	counters  LoginCounters
	perMinute int
	now       func() time.Time
	wait      func(ctx context.Context, d time.Duration) error
	log       *slog.Logger
}

func newLoginThrottle(cfg Config) *loginThrottle {
	t := &loginThrottle{counters: cfg.LoginCounters, perMinute: cfg.LoginRate, now: cfg.LoginClock, wait: cfg.LoginWait, log: cfg.Logger}
	if t.counters == nil {
		t.counters = NewMemoryLoginCounters()
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.wait == nil {
		t.wait = sleep
	}
	return t
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// begin is called before checking a password for email from client. It
// returns a positive retry when the client is over its limit: refuse, and
// do not check. Otherwise it has waited out the account's delay, if any.
func (t *loginThrottle) begin(ctx context.Context, client, email string) (retry time.Duration, err error) {
	now := t.now()
	ok, retry, err := t.counters.Take(ctx, "client "+client, now, time.Minute/time.Duration(t.perMinute), t.perMinute)
	if err != nil {
		return 0, err
	}
	if !ok {
		return max(retry, time.Second), nil
	}
	failures, err := t.counters.Level(ctx, accountKey(email), now, accountDrain)
	if err != nil {
		return 0, err
	}
	if d := accountDelay(failures); d > 0 {
		return 0, t.wait(ctx, d)
	}
	return 0, nil
}

// failed records a wrong password for email.
func (t *loginThrottle) failed(ctx context.Context, email string) {
	key := accountKey(email)
	if _, _, err := t.counters.Take(ctx, key, t.now(), accountDrain, accountMaxLevel); err != nil {
		t.log.Warn("could not count a failed login", "error", err)
		return
	}
	if level, err := t.counters.Level(ctx, key, t.now(), accountDrain); err == nil && math.Ceil(level-1e-9) == accountFreeFailures+1 {
		// Once per wave, not once per attempt: an attack must not flood the log.
		t.log.Warn("many failed logins on one account: further attempts on it are slowed", slog.Group("throttle", "account", key))
	}
}

// accountDelay is how long an attempt on an account waits, given its
// recent failures (rounded up: one that has partly drained still counts).
func accountDelay(failures float64) time.Duration {
	over := int(math.Ceil(failures-1e-9)) - accountFreeFailures
	if over <= 0 {
		return 0
	}
	return min(time.Duration(over)*accountDelayStep, accountMaxDelay)
}

// accountKey names an account for the counters: a hash of the email as
// the login normalises it (hub.Service.Login), so the counters hold no
// addresses and a megabyte-long "email" makes a key of the usual size.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "account " + hex.EncodeToString(sum[:16])
}

// clientKey is what a client is counted by: its IPv4 address, or the /64
// its IPv6 address is in. ip is the client's address as clientIP gives
// it (the proxy's word for it only when the proxy is trusted).
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// memoryLoginCounters is LoginCounters in this process's memory.
type memoryLoginCounters struct {
	mu        sync.Mutex
	buckets   map[string]*leakyBucket
	lastSweep time.Time
	max       int // buckets; past it, drained ones are dropped, then all
}

type leakyBucket struct {
	level float64
	at    time.Time
	drain time.Duration
}

func (b *leakyBucket) levelAt(now time.Time) float64 {
	if now.Before(b.at) {
		return b.level
	}
	return max(0, b.level-float64(now.Sub(b.at))/float64(b.drain))
}

// NewMemoryLoginCounters returns LoginCounters kept in memory, for one
// process. Keys whose level has drained to nothing are forgotten.
func NewMemoryLoginCounters() LoginCounters {
	return &memoryLoginCounters{buckets: map[string]*leakyBucket{}, max: 200_000}
}

var _ LoginCounters = (*memoryLoginCounters)(nil)

func (m *memoryLoginCounters) Take(ctx context.Context, key string, now time.Time, drain time.Duration, limit int) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	b := m.buckets[key]
	level := 0.0
	if b != nil {
		level = b.levelAt(now)
	}
	if level+1 > float64(limit) {
		over := level + 1 - float64(limit)
		return false, time.Duration(math.Ceil(over * float64(drain))), nil
	}
	if b == nil {
		if len(m.buckets) >= m.max {
			m.sweepAll(now)
		}
		b = &leakyBucket{}
		m.buckets[key] = b
	}
	b.level, b.at, b.drain = level+1, now, drain
	return true, 0, nil
}

func (m *memoryLoginCounters) Level(ctx context.Context, key string, now time.Time, drain time.Duration) (float64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b := m.buckets[key]; b != nil {
		return b.levelAt(now), nil
	}
	return 0, nil
}

// sweep forgets drained buckets every few minutes.
func (m *memoryLoginCounters) sweep(now time.Time) {
	if now.Sub(m.lastSweep) < 5*time.Minute {
		return
	}
	m.sweepAll(now)
}

func (m *memoryLoginCounters) sweepAll(now time.Time) {
	m.lastSweep = now
	for k, b := range m.buckets {
		if b.levelAt(now) == 0 {
			delete(m.buckets, k)
		}
	}
	if len(m.buckets) >= m.max {
		// Hundreds of thousands of live keys: an attack from more
		// addresses than this can count. Starting again keeps the memory
		// bounded; per-client limits start again too.
		clear(m.buckets)
	}
}
