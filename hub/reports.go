package hub

import (
	"context"
	"log/slog"
	"net/url"
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

// RemoteReport is what an organiser reports to another server: a comment
// kept here or a commons item (one of the two), with their comment.
type RemoteReport struct {
	CommentID int64  `json:"comment_id,omitempty"`
	ItemID    int64  `json:"item_id,omitempty"` // a commons (remote) item
	Comment   string `json:"comment"`
	// Block also blocks the reported account (admins only).
	Block bool `json:"block"`
}

// ReportRemote sends a report (a Flag) about a remote comment or commons
// item to the server it came from, records it in the queue as sent, and
// optionally blocks the account; editors and admins (blocking: admins).
func (s *Service) ReportRemote(ctx context.Context, in RemoteReport) (*Report, error) {
	if err := s.requireQueue(ctx); err != nil {
		return nil, err
	}
	if in.Block {
		if err := requireAdmin(ctx); err != nil {
			return nil, err
		}
	}
	f, err := s.federation()
	if err != nil {
		return nil, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if utf8.RuneCountInString(in.Comment) > MaxReportComment {
		f := fieldErrors{}
		f.addf("comment", "Keep the comment to at most %d characters.", MaxReportComment)
		return nil, f.err("report")
	}
	obj, actor, err := s.reportedRemote(ctx, in)
	if err != nil {
		return nil, err
	}
	iri, err := f.SendFlag(ctx, actor, []string{actor, obj.IRI}, in.Comment)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	r := &Report{Direction: ReportOut, ActivityIRI: iri, Server: hostOfIRI(actor), Actor: actor, Comment: in.Comment,
		Objects: []ReportedObject{{IRI: actor}, obj}, State: ReportSent, DecidedBy: actorName(ctx), DecidedAt: &now, CreatedAt: now}
	if err := s.Queue.CreateReport(ctx, r); err != nil {
		return nil, err
	}
	s.Logger.Info("report sent", slog.Group("report", "id", r.ID, "server", r.Server), "by", actorName(ctx))
	if in.Block {
		if err := s.Block(ctx, Block{Kind: BlockActor, Value: actor, Note: "reported: " + in.Comment}); err != nil {
			return r, err
		}
	}
	return r, nil
}

// reportedRemote is the reported object and the account it is by.
func (s *Service) reportedRemote(ctx context.Context, in RemoteReport) (ReportedObject, string, error) {
	if s.Commons == nil || (in.CommentID == 0) == (in.ItemID == 0) {
		return ReportedObject{}, "", Errorf(EINVALID, "Say which comment or commons item to report.")
	}
	if in.CommentID != 0 {
		c, err := s.Commons.Comment(ctx, in.CommentID)
		if err != nil {
			return ReportedObject{}, "", err
		}
		return ReportedObject{IRI: c.ObjectID, CommentID: c.ID, Kind: c.Kind, ItemID: c.ItemID, Title: c.Author.Handle(), URL: c.URL}, c.Author.ActorID, nil
	}
	it, err := s.Commons.RemoteItem(ctx, in.ItemID)
	if err != nil {
		return ReportedObject{}, "", err
	}
	return ReportedObject{IRI: it.ObjectID, Title: it.Title, URL: it.URL}, it.Origin.ActorID, nil
}

// hostOfIRI is the host (with any port) of an IRI.
func hostOfIRI(iri string) string {
	if u, err := url.Parse(iri); err == nil {
		return u.Host
	}
	return ""
}

// Comment returns one fediverse reply kept here, hidden or not; editors
// and admins.
func (s *Service) Comment(ctx context.Context, id int64) (*Comment, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	if s.Commons == nil {
		return nil, Errorf(ENOTFOUND, "There is no such comment.")
	}
	return s.Commons.Comment(ctx, id)
}
