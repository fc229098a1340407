package hub

import (
	"context"
	"log/slog"
)

// Replies held for review: with Policy.HoldReplies on, a reply from a
// server the hub follows nobody on is kept hidden and waits in the
// moderation queue until an organiser approves it (it shows) or rejects
// it (it is deleted).

// HeldComments lists the replies held for review, oldest first; editors
// and admins.
func (s *Service) HeldComments(ctx context.Context) ([]*Comment, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	if s.Commons == nil {
		return nil, nil
	}
	return s.Commons.HeldComments(ctx)
}

// ApproveComment shows a held reply to readers; editors and admins.
// ENOTFOUND when no reply with that id is held.
func (s *Service) ApproveComment(ctx context.Context, id int64) error {
	return s.changeComment(ctx, func(c CommonsStore) error { return c.ReleaseComment(ctx, id) },
		"held reply approved", slog.Group("comment", "id", id))
}

// RejectComment deletes a held reply; editors and admins. ENOTFOUND when
// no reply with that id is held (a reply already shown is hidden or
// deleted from the Commons page instead).
func (s *Service) RejectComment(ctx context.Context, id int64) error {
	c, err := s.Comment(ctx, id)
	if err != nil {
		return err
	}
	if !c.Held {
		return Errorf(ENOTFOUND, "No reply with that number is held for review.")
	}
	if err := s.Commons.DeleteComment(ctx, id); err != nil {
		return err
	}
	s.Logger.Info("held reply rejected", slog.Group("comment", "id", id, "author", c.Author.ActorID), "by", actorName(ctx))
	return nil
}
