package hub

import "context"

// Organisers may hide another hub's "adapted by" credit on one of their
// guides or case studies: any server can credit itself with a genuine
// adaptation, and blocking the server was the only way to remove it. A
// hidden credit is kept (the server's next Update of its adaptation does
// not bring it back) and shown again only by an organiser.

// AdaptationHider is what organisers' pages need of the adaptations: the
// hidden ones too, and hiding. AdaptationStore.Adaptations and the items'
// AdaptedBy leave hidden ones out.
type AdaptationHider interface {
	// AdaptationsWithHidden lists a local item's adaptations, hidden ones
	// included (Hidden set), oldest first.
	AdaptationsWithHidden(ctx context.Context, kind Kind, itemID int64) ([]*Adaptation, error)
	// SetAdaptationHidden hides or shows one by its ActivityPub id and
	// returns it; ENOTFOUND if there is none.
	SetAdaptationHidden(ctx context.Context, objectID string, hidden bool) (*Adaptation, error)
}

func (s *Service) adaptationHider() (AdaptationHider, error) {
	h, ok := s.Adapted.(AdaptationHider)
	if !ok || s.Adapted == nil {
		return nil, Errorf(ENOTFOUND, "There is no such adaptation.")
	}
	return h, nil
}

// OrganiserAdaptations lists the adaptations of one of the hub's guides or
// case studies, hidden ones included; editors and admins.
func (s *Service) OrganiserAdaptations(ctx context.Context, kind Kind, itemID int64) ([]*Adaptation, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	h, ok := s.Adapted.(AdaptationHider)
	if !ok || s.Adapted == nil || !adaptable(kind) {
		return nil, nil
	}
	return h.AdaptationsWithHidden(ctx, kind, itemID)
}

// HideAdaptation hides another hub's credit for adapting one of this hub's
// items, or (hidden false) shows it again; editors and admins.
func (s *Service) HideAdaptation(ctx context.Context, objectID string, hidden bool) (*Adaptation, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	h, err := s.adaptationHider()
	if err != nil {
		return nil, err
	}
	a, err := h.SetAdaptationHidden(ctx, objectID, hidden)
	if err != nil {
		return nil, err
	}
	s.Logger.Info("adaptation credit moderated", "adaptation", objectID, "hidden", hidden, "by", actorName(ctx))
	return a, nil
}
