package federation

import (
	"bytes"
	"context"
	"fmt"
	"io"
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

// deliverLoop claims due deliveries as workers come free and sends them.
// At most perHost deliveries to one server run at once, so a server that
// answers slowly or not at all holds only those workers, while deliveries
// to other servers go out: claims skip the servers at their limit, and a
// delivery claimed for one anyway (an inbox URL written oddly, or several
// in one batch) is held (still leased) and starts as that server's own
// finish.
func (f *Federation) deliverLoop(ctx context.Context) {
	slots := make(chan struct{}, f.workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	var mu sync.Mutex
	inFlight := map[string]int{}           // by host
	held := map[string][]hub.DeliveryJob{} // by host, waiting for the host
	have := map[int64]bool{}               // deliveries running or held here
	var start func(host string, j hub.DeliveryJob)
	start = func(host string, j hub.DeliveryJob) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				f.deliver(ctx, j)
				mu.Lock()
				delete(have, j.DeliveryID)
				next, more := hub.DeliveryJob{}, len(held[host]) > 0 && ctx.Err() == nil
				if more {
					next, held[host] = held[host][0], held[host][1:]
				} else {
					if inFlight[host]--; inFlight[host] == 0 {
						delete(inFlight, host)
					}
					if len(held[host]) == 0 {
						delete(held, host)
					}
				}
				mu.Unlock()
				if !more {
					break
				}
				j = next // this worker goes on with the host's next delivery
			}
			<-slots
			f.nudge()
		}()
	}
	// busy lists the servers at their limit, for claims to skip.
	busy := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var hosts []string
		for host, n := range inFlight {
			if n >= f.perHost && host != "" {
				hosts = append(hosts, host)
			}
		}
		return hosts
	}
	heldCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(have) - len(slots)
	}
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()
	for {
		free := f.workers - len(slots)
		var jobs []hub.DeliveryJob
		// Claim in batches: waiting until a quarter of the workers are
		// free costs a little latency and saves a transaction per job.
		if free > 0 && (free == f.workers || free >= max(1, f.workers/4)) && heldCount() < maxHeldPerWorker*f.workers {
			var err error
			jobs, err = f.store.ClaimDeliveries(ctx, f.now(), deliveryLease, free, busy()...)
			if err != nil && ctx.Err() == nil {
				f.log.Warn("reading the delivery queue", "err", err)
			}
		}
		started, heldNow := 0, 0
		for _, j := range jobs {
			host := HostOf(j.Inbox)
			mu.Lock()
			switch {
			case have[j.DeliveryID]:
				// Held here past its lease and claimed again: already ours.
			case inFlight[host] >= f.perHost:
				have[j.DeliveryID] = true
				held[host] = append(held[host], j)
				heldNow++
			default:
				have[j.DeliveryID] = true
				inFlight[host]++
				started++
				slots <- struct{}{}
				start(host, j)
			}
			mu.Unlock()
		}
		if len(jobs) == free && free > 0 && started+heldNow > 0 {
			// There may be more due. Held deliveries took no worker, so
			// claim again at once (the busy servers now skipped) rather
			// than leave free workers idle until the next poll.
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
		case <-poll.C:
		}
	}
}

// deliver makes one attempt and records its outcome.
func (f *Federation) deliver(ctx context.Context, j hub.DeliveryJob) {
	status, err := f.post(ctx, j.Inbox, j.Body)
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and another run retries
	}
	now := f.now()
	attempts := j.Attempts + 1
	var ferr error
	switch {
	case err == nil:
		ferr = f.store.FinishDelivery(context.WithoutCancel(ctx), j.DeliveryID, true, status, "", nil, now)
	case retryable(status) && attempts < maxAttempts:
		next := now.Add(backoff(attempts))
		f.log.Info("delivery failed; will retry", "inbox", j.Inbox, "activity", j.ActivityIRI, "attempt", attempts, "status", status, "err", err, "next", next.Format(time.RFC3339))
		ferr = f.store.FinishDelivery(context.WithoutCancel(ctx), j.DeliveryID, false, status, err.Error(), &next, now)
	default:
		f.log.Warn("delivery given up", "inbox", j.Inbox, "activity", j.ActivityIRI, "attempts", attempts, "status", status, "err", err)
		ferr = f.store.FinishDelivery(context.WithoutCancel(ctx), j.DeliveryID, false, status, err.Error(), nil, now)
	}
	if ferr != nil {
		f.log.Error("recording a delivery", "delivery", j.DeliveryID, "err", ferr)
	}
}

// post sends a signed activity to an inbox. It returns the status (0 when
// no response came) and an error unless the inbox answered 2xx.
func (f *Federation) post(ctx context.Context, inbox string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(f.refusingRedirects(ctx), deliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return 400, err // a malformed inbox URL will not get better
	}
	req.Header.Set("Content-Type", contentTypeAS)
	req.Header.Set("Accept", contentTypeAS+", "+contentTypeLD)
	req.Header.Set("User-Agent", f.userAgent)
	if err := f.signer.Sign(req, body, f.now()); err != nil {
		return 0, err
	}
	resp, err := f.client.Do(req)
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
