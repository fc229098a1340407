package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// places are venues where events happen.
var places = &resource[hub.Place, *placeFlags]{
	noun: "place", listCmd: "place list",
	bySlug:   (*hub.Service).PlaceBySlug,
	newFlags: func() *placeFlags { return &placeFlags{} },
	create:   (*hub.Service).CreatePlace,
	update:   (*hub.Service).UpdatePlace,
	id:       func(p *hub.Place) int64 { return p.ID },
	remove:   (*hub.Service).DeletePlace,
	show:     showPlace,
	json:     func(enc apijson.Encoder, p *hub.Place) any { return enc.Place(p) },
	label:    func(p *hub.Place) (string, string) { return p.Name, p.Slug },
	picture:  hub.OwnerPlace,
}

func placeCommand() *command {
	return group("place", "Manage places: venues where events happen",
		&command{name: "list", summary: "List places", json: true, readOnly: true, setup: placeList},
		places.showCommand("Show a place and what is on there"),
		places.addCommand("Add a place", ""),
		places.editCommand("Change a place; only the flags given change", ""),
		places.deleteCommand("Delete a place no event or case study uses"),
	)
}

type placeFlags struct {
	name                                         string
	description                                  textFlag
	address, locality, region, postcode, country string
	lat, lon                                     string
}

func (f *placeFlags) register(fs *flag.FlagSet, _ bool) {
	fs.StringVar(&f.name, "name", "", "the place's `name`")
	f.description.register(fs, "description", "`text` about the place (Markdown): how to find it, access", "read the description from a `file` (- for standard input)")
	fs.StringVar(&f.address, "address", "", "street `address`")
	fs.StringVar(&f.locality, "locality", "", "town or `city`")
	fs.StringVar(&f.region, "region", "", "`region` or county")
	fs.StringVar(&f.postcode, "postcode", "", "`postcode`")
	fs.StringVar(&f.country, "country", "", "`country`")
	fs.StringVar(&f.lat, "lat", "", "`latitude` in degrees, e.g. 53.4668 (\"\" to clear)")
	fs.StringVar(&f.lon, "lon", "", "`longitude` in degrees, e.g. -2.2489 (\"\" to clear)")
}

func (f *placeFlags) apply(_ context.Context, e *env, _ *hub.Service, p *hub.Place, _ bool) error {
	set := map[string]*string{"name": &p.Name, "address": &p.StreetAddress, "locality": &p.Locality,
		"region": &p.Region, "postcode": &p.PostalCode, "country": &p.Country}
	values := map[string]string{"name": f.name, "address": f.address, "locality": f.locality,
		"region": f.region, "postcode": f.postcode, "country": f.country}
	for name, dst := range set {
		if e.isSet(name) {
			*dst = values[name]
		}
	}
	if err := f.description.apply(e, &p.Description); err != nil {
		return err
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

var placeList = listSetup((*hub.Service).ListPlaces, listing[*hub.Place]{
	empty:  "No places yet. Add one with 'commonplace place add --name ...'.",
	header: "SLUG\tNAME\tADDRESS",
	row: func(w io.Writer, p *hub.Place) {
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.Slug, p.Name, orDash(p.Address()))
	},
	json: func(enc apijson.Encoder, p *hub.Place) any { return enc.Place(p) },
})

// showPlace prints a place with what is on there soon.
func showPlace(ctx context.Context, e *env, svc *hub.Service, p *hub.Place) error {
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
