package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func placeCommand() *command {
	return &command{
		name:    "place",
		summary: "Manage places: venues where events happen",
		subs: []*command{
			{name: "list", summary: "List places", json: true, readOnly: true, setup: placeList},
			{name: "show", args: "SLUG", nargs: 1, summary: "Show a place and what is on there", json: true, readOnly: true, setup: placeShow},
			{name: "add", summary: "Add a place", json: true, setup: placeAdd},
			{name: "edit", args: "SLUG", nargs: 1, summary: "Change a place; only the flags given change", json: true, setup: placeEdit},
			{name: "delete", args: "SLUG", nargs: 1, summary: "Delete a place no event or case study uses", setup: placeDelete},
		},
	}
}

type placeFlags struct {
	name, description, descriptionFile           string
	address, locality, region, postcode, country string
	lat, lon                                     string
}

func (f *placeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.name, "name", "", "the place's `name`")
	fs.StringVar(&f.description, "description", "", "`text` about the place (Markdown): how to find it, access")
	fs.StringVar(&f.descriptionFile, "description-file", "", "read the description from a `file` (- for standard input)")
	fs.StringVar(&f.address, "address", "", "street `address`")
	fs.StringVar(&f.locality, "locality", "", "town or `city`")
	fs.StringVar(&f.region, "region", "", "`region` or county")
	fs.StringVar(&f.postcode, "postcode", "", "`postcode`")
	fs.StringVar(&f.country, "country", "", "`country`")
	fs.StringVar(&f.lat, "lat", "", "`latitude` in degrees, e.g. 53.4668 (\"\" to clear)")
	fs.StringVar(&f.lon, "lon", "", "`longitude` in degrees, e.g. -2.2489 (\"\" to clear)")
}

func (f *placeFlags) apply(e *env, p *hub.Place) error {
	set := map[string]*string{"name": &p.Name, "address": &p.StreetAddress, "locality": &p.Locality,
		"region": &p.Region, "postcode": &p.PostalCode, "country": &p.Country}
	values := map[string]string{"name": f.name, "address": f.address, "locality": f.locality,
		"region": f.region, "postcode": f.postcode, "country": f.country}
	for name, dst := range set {
		if e.isSet(name) {
			*dst = values[name]
		}
	}
	desc, ok, err := e.readText("description", f.description, f.descriptionFile)
	if err != nil {
		return err
	}
	if ok {
		p.Description = desc
	}
	bad := map[string]string{}
	for _, c := range []struct {
		flag, field, value string
		dst                **float64
	}{{"lat", "latitude", f.lat, &p.Latitude}, {"lon", "longitude", f.lon, &p.Longitude}} {
		if !e.isSet(c.flag) {
			continue
		}
		if strings.TrimSpace(c.value) == "" {
			*c.dst = nil
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(c.value), 64)
		if err != nil {
			bad[c.field] = "Write the " + c.field + " as a number of degrees, for example 53.4668."
			continue
		}
		*c.dst = &v
	}
	return withValidation(bad, "place", func() error { cp := *p; return cp.Validate() })
}

func findPlace(ctx context.Context, svc *hub.Service, slug string) (*hub.Place, error) {
	p, err := svc.PlaceBySlug(ctx, slug)
	return p, notFound(err, "place", slug, "place list")
}

func placeList(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		places, err := svc.ListPlaces(ctx)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(nonNil(places))
		}
		if len(places) == 0 {
			e.printf("No places yet. Add one with 'commonplace place add --name ...'.\n")
			return nil
		}
		tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tNAME\tADDRESS")
		for _, p := range places {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Slug, p.Name, orDash(p.Address()))
		}
		return tw.Flush()
	}
}

func placeShow(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		p, err := findPlace(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(p)
		}
		d := details{}
		d.add("slug", p.Slug)
		d.add("address", p.Address())
		if p.Latitude != nil && p.Longitude != nil {
			d.add("coordinates", fmt.Sprintf("%.5f, %.5f", *p.Latitude, *p.Longitude))
		}
		now := time.Now()
		occs, err := svc.Occurrences(ctx, hub.OccurrenceFilter{From: now, To: now.AddDate(0, 3, 0), PlaceID: p.ID, Limit: 5})
		if err != nil {
			return err
		}
		var next []string
		for _, o := range occs {
			next = append(next, formatStart(o.Start, o.Event.AllDay)+" "+o.Event.Title)
		}
		d.add("coming up", strings.Join(next, "; "))
		e.printDetails(p.Name, d, p.Description)
		return nil
	}
}

func placeAdd(fs *flag.FlagSet, e *env) runFunc {
	var f placeFlags
	f.register(fs)
	return func(ctx context.Context, args []string) error {
		p := &hub.Place{}
		if err := f.apply(e, p); err != nil {
			return err
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		if err := svc.CreatePlace(ctx, p); err != nil {
			return err
		}
		return e.savedPlace("Added", p)
	}
}

func (e *env) savedPlace(verb string, p *hub.Place) error {
	if e.json {
		return e.printJSON(p)
	}
	e.printf("%s place %q (%s).\n", verb, p.Name, p.Slug)
	return nil
}

func placeEdit(fs *flag.FlagSet, e *env) runFunc {
	var f placeFlags
	f.register(fs)
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		p, err := findPlace(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := f.apply(e, p); err != nil {
			return err
		}
		if err := svc.UpdatePlace(ctx, p); err != nil {
			return err
		}
		return e.savedPlace("Saved", p)
	}
}

func placeDelete(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		p, err := findPlace(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := svc.DeletePlace(ctx, p.ID); err != nil {
			return err
		}
		e.printf("Deleted place %q (%s).\n", p.Name, p.Slug)
		return nil
	}
}

func tagCommand() *command {
	return &command{
		name:    "tag",
		summary: "Manage tags; they are created when content first uses them",
		subs: []*command{
			{name: "list", summary: "List tags and how often each is used", json: true, readOnly: true, setup: tagList},
			{name: "edit", args: "SLUG", nargs: 1, summary: "Rename or describe a tag", json: true, setup: tagEdit},
			{name: "delete", args: "SLUG", nargs: 1, summary: "Remove a tag from all content and delete it", setup: tagDelete},
		},
	}
}

func findTag(ctx context.Context, svc *hub.Service, slug string) (*hub.Tag, error) {
	t, err := svc.TagBySlug(ctx, slug)
	return t, notFound(err, "tag", slug, "tag list")
}

func tagList(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		tags, err := svc.ListTags(ctx)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(nonNil(tags))
		}
		if len(tags) == 0 {
			e.printf("No tags yet. Give events, guides or case studies --tags to add some.\n")
			return nil
		}
		tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tUSES\tNAME\tDESCRIPTION")
		for _, t := range tags {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.Slug, t.Uses, t.Name, orDash(t.Description))
		}
		return tw.Flush()
	}
}

func tagEdit(fs *flag.FlagSet, e *env) runFunc {
	name := fs.String("name", "", "new `name` (the slug stays the same)")
	description := fs.String("description", "", "`text` describing the tag")
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		t, err := findTag(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if e.isSet("name") {
			t.Name = *name
		}
		if e.isSet("description") {
			t.Description = *description
		}
		if err := svc.UpdateTag(ctx, t); err != nil {
			return err
		}
		if e.json {
			return e.printJSON(t)
		}
		e.printf("Saved tag %q (%s).\n", t.Name, t.Slug)
		return nil
	}
}

func tagDelete(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		t, err := findTag(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := svc.DeleteTag(ctx, t.ID); err != nil {
			return err
		}
		e.printf("Deleted tag %q (%s).\n", t.Name, t.Slug)
		return nil
	}
}
