package main

import (
	"context"
	"time"
)

// queuePurgeEvery is how often serve removes suggesters' emails older
// than hub.SuggestionEmailDays and forgets expired form tokens.
const queuePurgeEvery = time.Hour

// purgeQueue runs the moderation queue's purge at start and then every
// queuePurgeEvery until ctx ends.
func (m *Main) purgeQueue(ctx context.Context) {
	t := time.NewTicker(queuePurgeEvery)
	defer t.Stop()
	for {
		if _, err := m.Service.PurgeQueue(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Error("purging the moderation queue", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
