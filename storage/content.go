package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- guides ----

// GuideStore implements hub.GuideStore.
type GuideStore struct{ db *DB }

var _ hub.GuideStore = (*GuideStore)(nil)

const guideColumns = `g.id, g.slug, g.title, g.summary, g.body, g.revision, g.created_at, g.updated_at`

func scanGuide(sc interface{ Scan(...any) error }) (*hub.Guide, error) {
	g := &hub.Guide{}
	var created, updated int64
	if err := sc.Scan(&g.ID, &g.Slug, &g.Title, &g.Summary, &g.Body, &g.Revision, &created, &updated); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromUnix(created), fromUnix(updated)
	return g, nil
}

func (s *GuideStore) fill(ctx context.Context, guides []*hub.Guide) error {
	ids, _ := itemIDs(guides, func(g *hub.Guide) (int64, int64) { return g.ID, 0 })
	l, err := guideLinks.load(ctx, s.db.db, ids, nil)
	if err != nil {
		return err
	}
	for _, g := range guides {
		g.Tags, g.AdaptedFrom, g.AdaptedBy = l.tags[g.ID], l.from[g.ID], l.by[g.ID]
	}
	return nil
}

func (s *GuideStore) findOne(ctx context.Context, where string, arg any) (*hub.Guide, error) {
	return queryFilled(ctx, s.db.db, scanGuide, s.fill, hub.Errorf(hub.ENOTFOUND, "There is no such guide."), "find guide",
		`SELECT `+guideColumns+` FROM guides g WHERE `+where, arg)
}

// FindGuideByID returns a guide with its tags.
func (s *GuideStore) FindGuideByID(ctx context.Context, id int64) (*hub.Guide, error) {
	return s.findOne(ctx, "g.id = ?", id)
}

// FindGuideBySlug returns a guide with its tags.
func (s *GuideStore) FindGuideBySlug(ctx context.Context, slug string) (*hub.Guide, error) {
	return s.findOne(ctx, "g.slug = ?", slug)
}

// FindGuides returns guides newest first, with the total.
func (s *GuideStore) FindGuides(ctx context.Context, f hub.GuideFilter) ([]*hub.Guide, int, error) {
	l := listing{from: "guides g", columns: guideColumns, order: "g.created_at DESC, g.id DESC", limit: f.Limit, offset: f.Offset}
	l.filter(f.Tag != "", guideTags.has("g"), f.Tag)
	q := strings.TrimSpace(f.Query)
	l.filter(q != "", "g.title LIKE ? ESCAPE '\\'", "%"+escapeLike(q)+"%")
	return findFilledPage(ctx, s.db.db, l, scanGuide, s.fill, "list guides")
}

func insertRevision(ctx context.Context, tx *sql.Tx, guideID int64, number int, rev *hub.GuideRevision, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO guide_revisions (guide_id, number, title, summary, body, tags, author, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		guideID, number, rev.Title, rev.Summary, rev.Body, strings.Join(rev.Tags, "\n"), rev.Author, rev.Note, at)
	if err == nil {
		rev.GuideID, rev.Number, rev.CreatedAt = guideID, number, fromUnix(at)
	}
	return err
}

// CreateGuide stores the guide and its first revision in one transaction.
func (s *GuideStore) CreateGuide(ctx context.Context, g *hub.Guide, rev *hub.GuideRevision) error {
	now := unix(s.db.now())
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		id, slug, err := insertSlugged(ctx, tx, "guides", g.Slug, "guide",
			`INSERT INTO guides (slug, title, summary, body, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`,
			g.Title, g.Summary, g.Body, now, now)
		if err != nil {
			return err
		}
		if err := guideLinks.save(ctx, s.db, tx, id, g.Tags, g.AdaptedFrom); err != nil {
			return err
		}
		if err := insertRevision(ctx, tx, id, 1, rev, now); err != nil {
			return err
		}
		g.ID, g.Slug, g.Revision, g.CreatedAt, g.UpdatedAt = id, slug, 1, fromUnix(now), fromUnix(now)
		return nil
	})
	return wrap(err, "create guide")
}

// UpdateGuide saves the guide and appends rev as its next revision.
func (s *GuideStore) UpdateGuide(ctx context.Context, g *hub.Guide, rev *hub.GuideRevision) error {
	now := unix(s.db.now())
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var number int
		err := tx.QueryRowContext(ctx, `SELECT revision + 1 FROM guides WHERE id = ?`, g.ID).Scan(&number)
		if errors.Is(err, sql.ErrNoRows) {
			return hub.Errorf(hub.ENOTFOUND, "There is no such guide.")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE guides SET title = ?, summary = ?, body = ?, revision = ?, updated_at = ? WHERE id = ?`,
			g.Title, g.Summary, g.Body, number, now, g.ID); err != nil {
			return err
		}
		if err := guideLinks.save(ctx, s.db, tx, g.ID, g.Tags, g.AdaptedFrom); err != nil {
			return err
		}
		if err := insertRevision(ctx, tx, g.ID, number, rev, now); err != nil {
			return err
		}
		g.Revision, g.UpdatedAt = number, fromUnix(now)
		return nil
	})
	return wrap(err, "update guide")
}

// DeleteGuide removes a guide and its revisions.
func (s *GuideStore) DeleteGuide(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such guide."), "delete guide", `DELETE FROM guides WHERE id = ?`, id)
}

const revisionColumns = `guide_id, number, title, summary, body, tags, author, note, created_at`

func scanRevision(sc interface{ Scan(...any) error }) (*hub.GuideRevision, error) {
	r := &hub.GuideRevision{}
	var tags string
	var created int64
	if err := sc.Scan(&r.GuideID, &r.Number, &r.Title, &r.Summary, &r.Body, &tags, &r.Author, &r.Note, &created); err != nil {
		return nil, err
	}
	if tags != "" {
		r.Tags = strings.Split(tags, "\n")
	}
	r.CreatedAt = fromUnix(created)
	return r, nil
}

// FindGuideRevisions returns a guide's revisions, newest first.
func (s *GuideStore) FindGuideRevisions(ctx context.Context, guideID int64) ([]*hub.GuideRevision, error) {
	return queryAll(ctx, s.db.db, scanRevision, "list revisions", `SELECT `+revisionColumns+` FROM guide_revisions WHERE guide_id = ? ORDER BY number DESC`, guideID)
}

// FindGuideRevision returns one revision.
func (s *GuideStore) FindGuideRevision(ctx context.Context, guideID int64, number int) (*hub.GuideRevision, error) {
	return queryOne(ctx, s.db.db, scanRevision, hub.Errorf(hub.ENOTFOUND, "There is no such version of this guide."), "find revision",
		`SELECT `+revisionColumns+` FROM guide_revisions WHERE guide_id = ? AND number = ?`, guideID, number)
}

// ---- case studies ----

// CaseStudyStore implements hub.CaseStudyStore.
type CaseStudyStore struct{ db *DB }

var _ hub.CaseStudyStore = (*CaseStudyStore)(nil)

const caseStudyColumns = `c.id, c.slug, c.title, c.summary, c.problem, c.approach, c.tools, c.outcome, c.lessons, c.organisation, c.place_id, c.contact, c.created_at, c.updated_at`

func scanCaseStudy(sc interface{ Scan(...any) error }) (*hub.CaseStudy, error) {
	c := &hub.CaseStudy{}
	var placeID sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&c.ID, &c.Slug, &c.Title, &c.Summary, &c.Problem, &c.Approach, &c.Tools, &c.Outcome, &c.Lessons, &c.Organisation, &placeID, &c.Contact, &created, &updated); err != nil {
		return nil, err
	}
	c.PlaceID = placeID.Int64
	c.CreatedAt, c.UpdatedAt = fromUnix(created), fromUnix(updated)
	return c, nil
}

func (s *CaseStudyStore) fill(ctx context.Context, list []*hub.CaseStudy) error {
	ids, placeIDs := itemIDs(list, func(c *hub.CaseStudy) (int64, int64) { return c.ID, c.PlaceID })
	l, err := caseStudyLinks.load(ctx, s.db.db, ids, placeIDs)
	if err != nil {
		return err
	}
	for _, c := range list {
		c.Tags, c.Place, c.AdaptedFrom, c.AdaptedBy = l.tags[c.ID], l.places[c.PlaceID], l.from[c.ID], l.by[c.ID]
	}
	return nil
}

func (s *CaseStudyStore) findOne(ctx context.Context, where string, arg any) (*hub.CaseStudy, error) {
	return queryFilled(ctx, s.db.db, scanCaseStudy, s.fill, hub.Errorf(hub.ENOTFOUND, "There is no such case study."), "find case study",
		`SELECT `+caseStudyColumns+` FROM case_studies c WHERE `+where, arg)
}

// FindCaseStudyByID returns a case study with its place and tags.
func (s *CaseStudyStore) FindCaseStudyByID(ctx context.Context, id int64) (*hub.CaseStudy, error) {
	return s.findOne(ctx, "c.id = ?", id)
}

// FindCaseStudyBySlug returns a case study with its place and tags.
func (s *CaseStudyStore) FindCaseStudyBySlug(ctx context.Context, slug string) (*hub.CaseStudy, error) {
	return s.findOne(ctx, "c.slug = ?", slug)
}

// FindCaseStudies returns case studies newest first, with the total.
func (s *CaseStudyStore) FindCaseStudies(ctx context.Context, f hub.CaseStudyFilter) ([]*hub.CaseStudy, int, error) {
	l := listing{from: "case_studies c", columns: caseStudyColumns, order: "c.created_at DESC, c.id DESC", limit: f.Limit, offset: f.Offset}
	l.filter(f.Tag != "", caseStudyTags.has("c"), f.Tag)
	l.filter(f.PlaceID != 0, "c.place_id = ?", f.PlaceID)
	q := strings.TrimSpace(f.Query)
	l.filter(q != "", "c.title LIKE ? ESCAPE '\\'", "%"+escapeLike(q)+"%")
	return findFilledPage(ctx, s.db.db, l, scanCaseStudy, s.fill, "list case studies")
}

func caseStudyArgs(c *hub.CaseStudy) []any {
	return []any{c.Title, c.Summary, c.Problem, c.Approach, c.Tools, c.Outcome, c.Lessons, c.Organisation, nullID(c.PlaceID), c.Contact}
}

// CreateCaseStudy stores a new case study with a unique slug.
func (s *CaseStudyStore) CreateCaseStudy(ctx context.Context, c *hub.CaseStudy) error {
	now := unix(s.db.now())
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		id, slug, err := insertSlugged(ctx, tx, "case_studies", c.Slug, "case-study",
			`INSERT INTO case_studies (slug, title, summary, problem, approach, tools, outcome, lessons, organisation, place_id, contact, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(caseStudyArgs(c), now, now)...)
		if err != nil {
			return err
		}
		if err := caseStudyLinks.save(ctx, s.db, tx, id, c.Tags, c.AdaptedFrom); err != nil {
			return err
		}
		c.ID, c.Slug, c.CreatedAt, c.UpdatedAt = id, slug, fromUnix(now), fromUnix(now)
		return nil
	})
	return wrap(err, "create case study")
}

// UpdateCaseStudy replaces every field but ID, slug and creation time.
func (s *CaseStudyStore) UpdateCaseStudy(ctx context.Context, c *hub.CaseStudy) error {
	now := unix(s.db.now())
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		args := append(caseStudyArgs(c), now, c.ID)
		if err := changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "There is no such case study."), `UPDATE case_studies SET title = ?, summary = ?, problem = ?, approach = ?, tools = ?, outcome = ?, lessons = ?, organisation = ?, place_id = ?, contact = ?, updated_at = ? WHERE id = ?`, args...); err != nil {
			return err
		}
		return caseStudyLinks.save(ctx, s.db, tx, c.ID, c.Tags, c.AdaptedFrom)
	})
	if err == nil {
		c.UpdatedAt = fromUnix(now)
	}
	return wrap(err, "update case study")
}

// DeleteCaseStudy removes a case study.
func (s *CaseStudyStore) DeleteCaseStudy(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such case study."), "delete case study", `DELETE FROM case_studies WHERE id = ?`, id)
}
