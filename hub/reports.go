package hub

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// Reports: a Flag another server sends about something here arrives in
// the queue (ReceiveReport); organisers dismiss or resolve it, possibly
// deleting a reported comment or blocking its server.

// MaxReportComment is the most of a report's comment that is kept, in
// characters.
const MaxReportComment = 5000

// ReceiveReport puts a report that federation received (an incoming
// Flag, its signature already checked) in the queue through store. A
// report whose ActivityIRI is already there is ECONFLICT. No organiser is
// needed: federation is made before the Service and calls this itself.
func ReceiveReport(ctx context.Context, store QueueStore, r *Report, now time.Time) error {
	r.Direction, r.State, r.CreatedAt = ReportIn, ReportPending, now
	r.Comment = strings.TrimSpace(r.Comment)
	if utf8.RuneCountInString(r.Comment) > MaxReportComment {
		r.Comment = string([]rune(r.Comment)[:MaxReportComment])
	}
	return store.CreateReport(ctx, r)
}

// Reports lists reports in state ("" for all); editors and admins.
func (s *Service) Reports(ctx context.Context, state string) ([]*Report, error) {
	if err := s.requireQueue(ctx); err != nil {
		return nil, err
	}
	return s.Queue.ListReports(ctx, state)
}

// Report returns one report; editors and admins.
func (s *Service) Report(ctx context.Context, id int64) (*Report, error) {
	if err := s.requireQueue(ctx); err != nil {
		return nil, err
	}
	return s.Queue.FindReport(ctx, id)
}

// DismissReport closes a report without doing anything; editors and
// admins.
func (s *Service) DismissReport(ctx context.Context, id int64) error {
	if err := s.requireQueue(ctx); err != nil {
		return err
	}
	if err := s.Queue.DecideReport(ctx, id, ReportDismissed, actorName(ctx), s.Now()); err != nil {
		return err
	}
	s.Logger.Info("report dismissed", slog.Group("report", "id", id), "by", actorName(ctx))
	return nil
}

// Resolution is what an organiser does about a report besides closing it.
type Resolution struct {
	// DeleteComments deletes the reported comments kept here.
	DeleteComments bool `json:"delete_comments"`
	// BlockServers blocks the servers the reported comments came from
	// (admins only, as Block).
	BlockServers bool `json:"block_servers"`
}

// ResolveReport acts on a report as res says, then closes it as resolved;
// editors and admins (blocking: admins).
func (s *Service) ResolveReport(ctx context.Context, id int64, res Resolution) error {
	r, err := s.Report(ctx, id)
	if err != nil {
		return err
	}
	if r.State != ReportPending {
		return Errorf(ECONFLICT, "This report was already decided.")
	}
	if res.BlockServers {
		if err := requireAdmin(ctx); err != nil {
			return err
		}
	}
	for _, o := range r.Objects {
		if o.CommentID == 0 || s.Commons == nil {
			continue
		}
		c, err := s.Commons.Comment(ctx, o.CommentID)
		if ErrorCode(err) == ENOTFOUND {
			continue // deleted since
		}
		if err != nil {
			return err
		}
		if res.BlockServers && c.Author.Host != "" {
			if err := s.Block(ctx, Block{Kind: BlockDomain, Value: c.Author.Host, Note: "report " + itoa(int(id))}); err != nil && ErrorCode(err) != ECONFLICT {
				return err
			}
		}
		if res.DeleteComments {
			if err := s.DeleteComment(ctx, o.CommentID); err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
		}
	}
	if err := s.Queue.DecideReport(ctx, id, ReportResolved, actorName(ctx), s.Now()); err != nil {
		return err
	}
	s.Logger.Info("report resolved", slog.Group("report", "id", id), "delete_comments", res.DeleteComments, "block_servers", res.BlockServers, "by", actorName(ctx))
	return nil
}
