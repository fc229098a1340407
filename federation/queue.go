package federation

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Delivery policy: like Mastodon, retry network errors, 5xx, 401, 408 and
// 429 with a growing wait (count⁴ + 15 s + jitter), about two days in all;
// give up on other 4xx at once.
const (
	maxAttempts   = 16
	deliveryLease = 2 * time.Minute // longer than any one attempt takes
	pollInterval  = 2 * time.Second // picks up deliveries queued by other processes (the CLI)
)

// backoff is the wait before attempt n+1 after n failed attempts.
func backoff(n int) time.Duration {
	secs := n*n*n*n + 15 + rand.IntN(30*(n+1))
	return time.Duration(secs) * time.Second
}

// retryable reports whether a delivery that got status should be tried
// again; status 0 is a network error.
func retryable(status int) bool {
	switch {
	case status == 0, status >= 500, status == http.StatusUnauthorized,
		status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return true
	}
	return false
}

// maxHeldPerWorker bounds the deliveries held in memory, waiting for their
// server, at this many per worker: claims that would hold more wait.
const maxHeldPerWorker = 8

// dispatcher runs the persistent delivery queue: it claims due
// deliveries as workers come free and sends them, at most perHost at once
// to one server, so a server that answers slowly or not at all holds only
// those workers while deliveries to other servers go out. Claims skip the
// servers at their limit, and a delivery claimed for one anyway (an inbox
// URL written oddly, or several in one batch) is held (still leased) and
// starts as that server's own finish.
type dispatcher struct {
	store   hub.FederationStore
	send    func(ctx context.Context, inbox string, body []byte) (int, error) // one signed POST
	log     *slog.Logger
	now     func() time.Time
	workers int
	perHost int
	wake    chan struct{} // nudges the loop

	// What one run holds, guarded by mu; slots counts running workers.
	slots    chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	inFlight map[string]int               // by host
	held     map[string][]hub.DeliveryJob // by host, waiting for the host
	have     map[int64]bool               // deliveries running or held here
}

func newDispatcher(store hub.FederationStore, send func(context.Context, string, []byte) (int, error), log *slog.Logger, now func() time.Time, workers, perHost int) *dispatcher {
	return &dispatcher{store: store, send: send, log: log, now: now, workers: workers, perHost: perHost, wake: make(chan struct{}, 1)}
}

// nudge wakes the loop without blocking: something was queued.
func (d *dispatcher) nudge() { nudge(d.wake) }

// run claims and sends deliveries until ctx ends, then waits for the
// deliveries under way.
func (d *dispatcher) run(ctx context.Context) {
	d.slots = make(chan struct{}, d.workers)
	d.inFlight, d.held, d.have = map[string]int{}, map[string][]hub.DeliveryJob{}, map[int64]bool{}
	defer d.wg.Wait()
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()
	for {
		free := d.workers - len(d.slots)
		jobs := d.claim(ctx, free)
		placed := 0
		for _, j := range jobs {
			if d.place(ctx, j) {
				placed++
			}
		}
		if len(jobs) == free && free > 0 && placed > 0 {
			// There may be more due. Held deliveries took no worker, so
			// claim again at once (the busy servers now skipped) rather
			// than leave free workers idle until the next poll.
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-poll.C:
		}
	}
}

// claim takes up to free due deliveries from the queue. Claims go in
// batches: waiting until a quarter of the workers are free costs a little
// latency and saves a transaction per job; nothing is claimed while too
// many deliveries are held here already.
func (d *dispatcher) claim(ctx context.Context, free int) []hub.DeliveryJob {
	if free <= 0 || (free != d.workers && free < max(1, d.workers/4)) || d.heldCount() >= maxHeldPerWorker*d.workers {
		return nil
	}
	jobs, err := d.store.ClaimDeliveries(ctx, d.now(), deliveryLease, free, d.busy()...)
	if err != nil && ctx.Err() == nil {
		d.log.Warn("reading the delivery queue", "err", err)
	}
	return jobs
}

// place starts a claimed delivery on a worker, or holds it when its server
// is at its limit. It reports whether the delivery is new here.
func (d *dispatcher) place(ctx context.Context, j hub.DeliveryJob) bool {
	host := HostOf(j.Inbox)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.have[j.DeliveryID]:
		// Held here past its lease and claimed again: already ours.
		return false
	case d.inFlight[host] >= d.perHost:
		d.have[j.DeliveryID] = true
		d.held[host] = append(d.held[host], j)
	default:
		d.have[j.DeliveryID] = true
		d.inFlight[host]++
		d.slots <- struct{}{}
		d.start(ctx, host, j)
	}
	return true
}

// start runs a worker for host: it sends j, then the host's held
// deliveries one after another, then frees its slot.
func (d *dispatcher) start(ctx context.Context, host string, j hub.DeliveryJob) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		for more := true; more; {
			d.deliver(ctx, j)
			j, more = d.next(ctx, host, j)
		}
		<-d.slots
		d.nudge()
	}()
}

// next forgets the finished delivery done and returns the host's next
// held one, if any (and the loop still runs); with none it gives the
// host's place back.
func (d *dispatcher) next(ctx context.Context, host string, done hub.DeliveryJob) (hub.DeliveryJob, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.have, done.DeliveryID)
	if len(d.held[host]) > 0 && ctx.Err() == nil {
		j := d.held[host][0]
		d.held[host] = d.held[host][1:]
		return j, true
	}
	if d.inFlight[host]--; d.inFlight[host] == 0 {
		delete(d.inFlight, host)
	}
	if len(d.held[host]) == 0 {
		delete(d.held, host)
	}
	return hub.DeliveryJob{}, false
}

// busy lists the servers at their limit, for claims to skip.
func (d *dispatcher) busy() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var hosts []string
	for host, n := range d.inFlight {
		if n >= d.perHost && host != "" {
			hosts = append(hosts, host)
		}
	}
	return hosts
}

// heldCount is how many claimed deliveries wait here for their server.
func (d *dispatcher) heldCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.have) - len(d.slots)
}

// deliver makes one attempt and records its outcome.
func (d *dispatcher) deliver(ctx context.Context, j hub.DeliveryJob) {
	status, err := d.send(ctx, j.Inbox, j.Body)
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and another run retries
	}
	now := d.now()
	attempts := j.Attempts + 1
	var ferr error
	switch {
	case err == nil:
		ferr = d.store.FinishDelivery(context.WithoutCancel(ctx), j.DeliveryID, true, status, "", nil, now)
	case retryable(status) && attempts < maxAttempts:
		next := now.Add(backoff(attempts))
		d.log.Info("delivery failed; will retry", "inbox", j.Inbox, "activity", j.ActivityIRI, "attempt", attempts, "status", status, "err", err, "next", next.Format(time.RFC3339))
		ferr = d.store.FinishDelivery(context.WithoutCancel(ctx), j.DeliveryID, false, status, err.Error(), &next, now)
	default:
		d.log.Warn("delivery given up", "inbox", j.Inbox, "activity", j.ActivityIRI, "attempts", attempts, "status", status, "err", err)
		ferr = d.store.FinishDelivery(context.WithoutCancel(ctx), j.DeliveryID, false, status, err.Error(), nil, now)
	}
	if ferr != nil {
		d.log.Error("recording a delivery", "delivery", j.DeliveryID, "err", ferr)
	}
}

// post sends a signed activity to an inbox. It returns the status (0 when
// no response came) and an error unless the inbox answered 2xx.
func (f *Federation) post(ctx context.Context, inbox string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(f.refusingRedirects(ctx), deliveryTimeout)
	defer cancel()
	if _, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, nil); err != nil {
		return 400, err // a malformed inbox URL will not get better
	}
	resp, err := f.sendSigned(ctx, http.MethodPost, inbox, body, func(req *http.Request) {
		req.Header.Set("Content-Type", contentTypeAS)
		req.Header.Set("Accept", contentTypeAS+", "+contentTypeLD)
		req.Header.Set("User-Agent", f.userAgent)
	})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, fmt.Errorf("inbox answered %s", resp.Status)
}
