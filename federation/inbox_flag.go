package federation

import (
	"context"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// maxFlagObjects is the most objects of one Flag the hub looks at.
const maxFlagObjects = 50

// onFlag takes a report from another server: Mastodon's is a Flag from
// its instance actor (the reporter stays anonymous) whose object is the
// reported account followed by the reported posts, and whose content is
// the reporter's comment (app/serializers/activitypub/flag_serializer.rb).
// It goes in the moderation queue when at least one object is ours: the
// hub actor, one of its items, or a comment kept here (Mastodon also sends
// a report to the servers a reported reply answered). Others are
// acknowledged and ignored.
func (in *inbox) onFlag(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if in.reports == nil {
		return nil
	}
	iris := act.refs("object")
	if len(iris) > maxFlagObjects {
		iris = iris[:maxFlagObjects]
	}
	var objects []hub.ReportedObject
	ours := false
	for _, iri := range iris {
		o := in.reportedObject(ctx, iri)
		ours = ours || o.URL != ""
		objects = append(objects, o)
	}
	if !ours {
		in.log.Info("inbox: report about nothing of ours ignored", "actor", from.ID)
		return nil
	}
	r := &hub.Report{ActivityIRI: act.id(), Server: HostOf(from.ID), Actor: from.ID, Comment: plainComment(act), Objects: objects}
	if r.ActivityIRI == "" {
		r.ActivityIRI = from.ID + "#flag-" + in.now().UTC().Format("20060102T150405.000000000")
	}
	err := hub.ReceiveReport(ctx, in.reports, r, in.now())
	if hub.ErrorCode(err) == hub.ECONFLICT {
		return nil // the same report again
	}
	if err == nil {
		in.log.Info("report received", "report", r.ID, "server", r.Server, "objects", len(objects))
	}
	return err
}

// reportedObject says what iri is here: the hub actor, an item, a comment,
// or (URL "") nothing of ours.
func (in *inbox) reportedObject(ctx context.Context, iri string) hub.ReportedObject {
	o := hub.ReportedObject{IRI: iri}
	if iri == in.actorID {
		o.Title, o.URL = "@"+in.actorID, "/"
		if st, err := in.content.Settings(ctx); err == nil {
			o.Title = st.Name
		}
		return o
	}
	kind, id, err := hub.Kind(""), int64(0), error(&hub.Error{Code: hub.ENOTFOUND}) // no commons: only pages
	if in.commons != nil {
		kind, id, err = in.commons.LocalItemByIRI(ctx, iri)
	}
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		kind, id, err = in.itemByPage(ctx, strings.SplitN(iri, "?", 2)[0])
	}
	if err == nil {
		o.Kind, o.ItemID = kind, id
		o.Title, o.URL = in.itemTitle(ctx, kind, id)
		return o
	}
	if in.commons != nil {
		if c, err := in.commons.CommentByObject(ctx, iri); err == nil {
			o.CommentID, o.Kind, o.ItemID = c.ID, c.Kind, c.ItemID
			title, url := in.itemTitle(ctx, c.Kind, c.ItemID)
			o.Title, o.URL = c.Author.Handle()+" → "+title, url
			return o
		}
	}
	return o
}

// itemTitle returns a local item's title and page.
func (in *inbox) itemTitle(ctx context.Context, kind hub.Kind, id int64) (string, string) {
	var title, slug string
	switch kind {
	case hub.KindEvent:
		if e, err := in.content.Event(ctx, id); err == nil {
			title, slug = e.Title, e.Slug
		}
	case hub.KindGuide:
		if g, err := in.content.Guide(ctx, id); err == nil {
			title, slug = g.Title, g.Slug
		}
	case hub.KindCaseStudy:
		if c, err := in.content.CaseStudy(ctx, id); err == nil {
			title, slug = c.Title, c.Slug
		}
	}
	if slug == "" {
		return string(kind), "/"
	}
	return title, uris.Item(kind, slug)
}

// plainComment is the Flag's comment as plain text: Mastodon sends text,
// others may send HTML.
func plainComment(act doc) string {
	c := act.str("content")
	if c == "" {
		c = act.str("summary")
	}
	if strings.ContainsAny(c, "<&") {
		c = remotehtml.PlainText(c)
	}
	return c
}
