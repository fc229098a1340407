package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// pictureSpace is the disk space the hub's pictures take, in MB, and the
// budget they may take ("" for no limit), as the organiser pages say it.
type pictureSpace struct {
	Used, Budget, Percent string
	// Skipped is how many pictures from peers and calendars were not kept
	// for lack of space, the last at SkippedAt (hub.PictureSkipStore).
	Skipped   int
	SkippedAt time.Time
}

// pictureSpaceOf measures the pictures' space; nil when it cannot be read
// (the page goes on without it; the failure is logged).
func (s *Server) pictureSpaceOf(r *http.Request) *pictureSpace {
	_, used, err := s.svc.PictureSpace(r.Context())
	if err != nil {
		s.log.Warn("measuring the pictures' space", "error", err)
		return nil
	}
	ps := &pictureSpace{Used: hub.Megabytes(used)}
	if ps.Skipped, ps.SkippedAt, err = s.svc.PictureSkips(r.Context()); err != nil {
		s.log.Warn("counting the pictures skipped for lack of space", "error", err)
	}
	if budget := s.svc.PictureBudget; budget > 0 {
		ps.Budget = hub.Megabytes(budget)
		ps.Percent = strconv.FormatInt(min(100, used*100/budget), 10)
	}
	return ps
}
