package federation

import (
	"context"
	"time"
)

// nudge wakes, without blocking, a loop that waits on wake (made with
// room for one): a nudge already waiting there is enough.
func nudge(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}

// runLoop runs pass now, then each time every passes or wake is nudged,
// until ctx ends.
func runLoop(ctx context.Context, every time.Duration, wake <-chan struct{}, pass func()) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		pass()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-wake:
		}
	}
}
