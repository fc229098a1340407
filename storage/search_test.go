package storage_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// searchFixture is a hub with local items and commons items from two peers.
type searchFixture struct {
	db  *storage.DB
	svc *hub.Service
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	db := mustOpen(t, filepath.Join(t.TempDir(), "hub.db"))
	f := &searchFixture{db: db, svc: hub.NewService(db.Stores(), nil)}
	host := hub.HostContext(ctx)
	lib := &hub.Place{Name: "Hulme Library"}
	if err := f.svc.CreatePlace(host, lib); err != nil {
		t.Fatal(err)
	}
	lon := zone(t, "Europe/London")
	for _, e := range []*hub.Event{
		{Title: "Repair café", Description: "Bring broken toasters and lamps; volunteers fix them.", TimeZone: "Europe/London",
			Start: time.Date(2027, 3, 6, 10, 0, 0, 0, lon), End: time.Date(2027, 3, 6, 13, 0, 0, 0, lon), PlaceID: lib.ID, Tags: []string{"repair"}},
		{Title: "Weekly digital drop-in", Description: "Help with phones, tablets and email.", TimeZone: "Europe/London",
			Start: time.Date(2027, 1, 5, 10, 0, 0, 0, lon), End: time.Date(2027, 1, 5, 12, 0, 0, 0, lon), Recurrence: "FREQ=WEEKLY", Tags: []string{"digital skills"}},
	} {
		if err := f.svc.CreateEvent(host, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.CreateGuide(host, &hub.Guide{Title: "Running a repair café", Body: "Book the room. Find **volunteers** who can fix toasters.", Tags: []string{"repair"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.CreateCaseStudy(host, &hub.CaseStudy{Title: "Lending tablets", Problem: "People had no device to get online.", Tags: []string{"digital skills"}}); err != nil {
		t.Fatal(err)
	}
	cs := db.Commons()
	start := time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
	for _, it := range []*hub.RemoteItem{
		{ObjectID: "https://a.example/events/1", Kind: hub.KindEvent, Title: "Toaster amnesty", ContentText: "Bring a toaster <script>alert(1)</script> to be fixed.",
			StartsAt: &start, EndsAt: &start, PlaceName: "Zion Centre", Tags: []string{"repair"}, Origin: hub.Origin{ActorID: "https://a.example/actor", Host: "a.example", Name: "Hub A"}},
		{ObjectID: "https://b.example/guides/1", Kind: hub.KindGuide, Title: "Tablets for beginners", ContentText: "How to lend tablets to people who are new to them.",
			Tags: []string{"digital skills"}, Origin: hub.Origin{ActorID: "https://b.example/actor", Host: "b.example", Name: "Hub B"}},
	} {
		it.Published, it.Updated = time.Now(), time.Now()
		if _, err := cs.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: it.Origin.ActorID}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *searchFixture) titles(t *testing.T, q hub.SearchQuery) []string {
	t.Helper()
	res, err := f.svc.Search(ctx, q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Title)
	}
	if res.Total != len(out) && len(out) < q.Limit {
		t.Errorf("%+v: total %d, %d hits", q, res.Total, len(out))
	}
	return out
}

func TestSearch(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		name string
		q    hub.SearchQuery
		want string // titles, best first, joined by " | "
	}{
		{"title match ranks above tag match", hub.SearchQuery{Text: "repair"}, "Repair café | Running a repair café | Toaster amnesty"},
		{"across local and commons", hub.SearchQuery{Text: "toaster"}, ""}, // checked as a set below
		{"prefix of the last word", hub.SearchQuery{Text: "tabl"}, ""},
		{"phrase", hub.SearchQuery{Text: `"broken toasters"`}, "Repair café"},
		{"all words must match", hub.SearchQuery{Text: "toaster room"}, "Running a repair café"},
		{"stemming", hub.SearchQuery{Text: "toasters volunteer", Origin: hub.OriginLocal}, "Repair café | Running a repair café"},
		{"accents do not matter", hub.SearchQuery{Text: "cafe"}, "Repair café | Running a repair café"},
		{"kind filter", hub.SearchQuery{Text: "tablets", Kind: hub.KindGuide}, "Tablets for beginners"},
		{"local only", hub.SearchQuery{Text: "tablets", Origin: hub.OriginLocal}, ""},
		{"commons only", hub.SearchQuery{Text: "tablets", Origin: hub.OriginCommons}, "Tablets for beginners"},
		{"one peer", hub.SearchQuery{Origin: "a.example"}, "Toaster amnesty"},
		{"tag filter", hub.SearchQuery{Tag: "digital-skills", Kind: hub.KindCaseStudy}, "Lending tablets"},
		{"place filter, local", hub.SearchQuery{Place: "hulme-library"}, "Repair café"},
		{"place filter, remote", hub.SearchQuery{Place: "zion-centre"}, "Toaster amnesty"},
		{"date range: one-off event", hub.SearchQuery{From: time.Date(2027, 3, 6, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 3, 7, 0, 0, 0, 0, time.UTC), Text: "repair"}, "Repair café"},
		{"date range: endless series", hub.SearchQuery{From: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)}, "Weekly digital drop-in"},
		{"date range: remote event", hub.SearchQuery{From: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC), Origin: hub.OriginCommons}, "Toaster amnesty"},
		{"no match", hub.SearchQuery{Text: "zebra"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(f.titles(t, tt.q), " | ")
			switch tt.name {
			case "across local and commons":
				for _, w := range []string{"Toaster amnesty", "Repair café", "Running a repair café"} {
					if !strings.Contains(got, w) {
						t.Errorf("got %q, lacks %q", got, w)
					}
				}
			case "prefix of the last word":
				for _, w := range []string{"Lending tablets", "Tablets for beginners", "Weekly digital drop-in"} {
					if !strings.Contains(got, w) {
						t.Errorf("got %q, lacks %q", got, w)
					}
				}
			case "local only":
				if strings.Contains(got, "beginners") || !strings.Contains(got, "Lending tablets") {
					t.Errorf("got %q", got)
				}
			default:
				if got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// Whatever a reader types, search answers: FTS5 operators are text.
func TestSearchNeverSyntaxError(t *testing.T) {
	f := newSearchFixture(t)
	for _, text := range []string{`AND`, `OR repair`, `NOT`, `repair NOT`, `*`, `"`, `""`, `"unclosed phrase`, `-repair`, `title:repair`,
		`(repair`, `repair)`, `^repair`, `NEAR(repair toaster)`, `re*pair`, `'`, `\`, `:`, `{title}: x`, `+`, `&&`, `%`, `_`, "\x00", `café "`} {
		if _, err := f.svc.Search(ctx, hub.SearchQuery{Text: text}); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
	// A colon is text, not a column filter: "title:repair" is the
	// phrase "title repair", which nothing contains.
	if got := f.titles(t, hub.SearchQuery{Text: "title:repair"}); len(got) != 0 {
		t.Errorf("title:repair found %v", got)
	}
}

func TestSearchSnippetsAreEscaped(t *testing.T) {
	f := newSearchFixture(t)
	res, err := f.svc.Search(ctx, hub.SearchQuery{Text: "toaster", Origin: "a.example"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	h := res.Hits[0]
	if snippet := hub.SnippetHTML(h.Snippet); strings.Contains(snippet, "<script>") || !strings.Contains(snippet, "&lt;script&gt;") || !strings.Contains(snippet, "<mark>toaster</mark>") {
		t.Errorf("snippet %q", snippet)
	}
	if h.Local || h.URL() == "" || !strings.HasPrefix(h.URL(), "/commons/") || h.Origin.Host != "a.example" || h.Origin.Name != "Hub A" {
		t.Errorf("hit %+v", h)
	}
}

// Edits, renames and deletes show in search at once.
func TestSearchFollowsChanges(t *testing.T) {
	f := newSearchFixture(t)
	host := hub.HostContext(ctx)
	e, err := f.svc.EventBySlug(ctx, "repair-cafe")
	if err != nil {
		t.Fatal(err)
	}
	e.Title, e.Tags = "Fix-it evening", []string{"mending"}
	if err := f.svc.UpdateEvent(host, e); err != nil {
		t.Fatal(err)
	}
	if got := f.titles(t, hub.SearchQuery{Text: "fix-it"}); strings.Join(got, "|") != "Fix-it evening" {
		t.Errorf("after the edit: %v", got)
	}
	if got := f.titles(t, hub.SearchQuery{Tag: "mending"}); strings.Join(got, "|") != "Fix-it evening" {
		t.Errorf("new tag: %v", got)
	}
	p, _ := f.svc.PlaceBySlug(ctx, "hulme-library")
	p.Name = "Hulme Community Library"
	if err := f.svc.UpdatePlace(host, p); err != nil {
		t.Fatal(err)
	}
	if got := f.titles(t, hub.SearchQuery{Text: "community"}); strings.Join(got, "|") != "Fix-it evening" {
		t.Errorf("after renaming the place: %v", got)
	}
	if err := f.svc.DeleteEvent(host, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.titles(t, hub.SearchQuery{Text: "fix-it"}); len(got) != 0 {
		t.Errorf("after the delete: %v", got)
	}
	// Remote: an update and a delete.
	cs := f.db.Commons()
	it, _ := cs.RemoteItemByObject(ctx, "https://a.example/events/1")
	it.Title, it.Updated = "Kettle amnesty", it.Updated.Add(time.Hour)
	if _, err := cs.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: it.Origin.ActorID}); err != nil {
		t.Fatal(err)
	}
	if got := f.titles(t, hub.SearchQuery{Text: "kettle"}); strings.Join(got, "|") != "Kettle amnesty" {
		t.Errorf("remote update: %v", got)
	}
	if _, err := cs.DeleteRemoteItem(ctx, it.ObjectID); err != nil {
		t.Fatal(err)
	}
	if got := f.titles(t, hub.SearchQuery{Text: "kettle"}); len(got) != 0 {
		t.Errorf("remote delete: %v", got)
	}
	// The index agrees with its content table.
	if err := f.db.CheckSearchIndex(ctx); err != nil {
		t.Errorf("FTS integrity check: %v", err)
	}
}

// Items saved before search existed are indexed when the database is
// next opened (migration 0006 asks for it with a search_reindex row).
func TestSearchReindexOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db := mustOpen(t, path)
	svc := hub.NewService(db.Stores(), nil)
	if err := svc.CreateGuide(hub.HostContext(ctx), &hub.Guide{Title: "Composting at home", Body: "Start with a bin.", Tags: []string{"garden"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SimulateUnindexedForTest(ctx); err != nil {
		t.Fatal(err)
	}
	if res, _ := svc.Search(ctx, hub.SearchQuery{Text: "composting"}); res.Total != 0 {
		t.Fatal("the row is still there: the test proves nothing")
	}
	db.Close()
	db2, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	res, err := hub.NewService(db2.Stores(), nil).Search(ctx, hub.SearchQuery{Text: "composting", Tag: "garden"})
	if err != nil || res.Total != 1 {
		t.Fatalf("after reopening: %+v %v", res, err)
	}
	if err := db2.CheckSearchIndex(ctx); err != nil {
		t.Error(err)
	}
}

// Markdown is indexed as the text the page shows: link targets and
// markup are not searchable and never show in snippets.
func TestSearchIndexesMarkdownAsText(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "hub.db"))
	svc := hub.NewService(db.Stores(), nil)
	host := hub.HostContext(ctx)
	if err := svc.CreateGuide(host, &hub.Guide{Title: "Making zines", Body: "## Paper\n\nRead **the zine** [on folding](https://folds.example/howto) first."}); err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateCaseStudy(host, &hub.CaseStudy{Title: "A print shop", Problem: "No _printer_ nearby; see <https://printers.example>."}); err != nil {
		t.Fatal(err)
	}
	if got := (&searchFixture{db: db, svc: svc}).titles(t, hub.SearchQuery{Text: "howto"}); len(got) != 0 {
		t.Errorf("a link target is searchable: %v", got)
	}
	res, err := svc.Search(ctx, hub.SearchQuery{Text: "folding"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if s := hub.SnippetHTML(res.Hits[0].Snippet); s != "Paper Read the zine on <mark>folding</mark> first." {
		t.Errorf("snippet %q", s)
	}
	if res, err := svc.Search(ctx, hub.SearchQuery{Text: "printer printers.example"}); err != nil || res.Total != 1 {
		t.Errorf("case study section: %+v %v", res, err)
	}
}
