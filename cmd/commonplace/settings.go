package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

func settingsCommand() *command {
	return group("settings", "Show or change the hub's name, description, time zone, look and fediverse handle",
		&command{name: "show", summary: "Show the hub's settings", json: true, readOnly: true, setup: settingsShow},
		&command{name: "set", summary: "Change settings; only the flags given change", json: true, setup: settingsSet},
	)
}

func settingsShow(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		st, err := svc.Settings(ctx)
		if err != nil {
			return err
		}
		return e.printSettings(st)
	})
}

func (e *env) printSettings(st hub.Settings) error {
	if e.json {
		return e.printJSON(apijson.Encoder{}.Settings(&st))
	}
	d := details{}
	d.add("name", st.Name)
	d.add("description", st.Description)
	d.add("timezone", st.TimeZone)
	d.add("language", st.Language)
	d.add("accent colour", st.AccentColour)
	logo := "none"
	if st.LogoType != "" {
		logo = st.LogoType
	}
	d.add("logo", logo)
	d.add("fediverse handle", "@"+st.Handle)
	d.add("discoverable", yesNo(st.Discoverable))
	d.add("indexable", yesNo(st.Indexable))
	d.add("approve followers", yesNo(st.ManuallyApprovesFollowers))
	area := orDash(st.Area.Name)
	if st.Area.HasPosition() {
		area += fmt.Sprintf(" (%s, %s)", strconv.FormatFloat(*st.Area.Latitude, 'f', -1, 64), strconv.FormatFloat(*st.Area.Longitude, 'f', -1, 64))
	}
	d.add("area", area)
	d.add("answers searches", yesNo(st.AnswersNetworkSearch)) // other hubs' network searches
	embeds := "only this hub"
	if len(st.EmbedOrigins) > 0 {
		embeds = strings.Join(st.EmbedOrigins, " ")
	}
	d.add("embed websites", embeds)
	e.printDetails("Settings", d, "")
	return nil
}

func settingsSet(fs *flag.FlagSet, e *env) runFunc {
	name := fs.String("name", "", "the hub's `name`, e.g. \"Hulme Community Hub\"")
	description := fs.String("description", "", "one paragraph of plain `text` about the hub")
	timezone := fs.String("timezone", "", "default time `zone` for events, e.g. Europe/London")
	language := fs.String("language", "", "`language` code, e.g. en-GB")
	accent := fs.String("accent-colour", "", "`colour` for links and buttons, as #rrggbb")
	handle := fs.String("handle", "", "fediverse user `name`: people follow @NAME@your-host")
	discoverable := fs.Bool("discoverable", true, "let fediverse servers suggest the hub in their directories")
	indexable := fs.Bool("indexable", true, "let fediverse servers include the hub's posts in search")
	approve := fs.Bool("approve-followers", false, "hold new followers until an organiser approves them")
	area := fs.String("area", "", "the `area` the group works in, e.g. \"Hulme, Manchester\" (\"\" to clear)")
	lat := fs.String("lat", "", "`latitude` of the area in degrees, e.g. 53.4668 (\"\" to clear)")
	answers := fs.Bool("answer-network-search", true, "answer other hubs' searches of the hub's public items")
	lon := fs.String("lon", "", "`longitude` of the area in degrees, e.g. -2.2489 (\"\" to clear)")
	embedOrigins := fs.String("embed-origins", "", "`websites` that may show the hub's embeds in a frame: * for any, or origins such as https://our-group.example separated by spaces")
	images := registerSettingsPictures(fs)
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if err := images.prepare(); err != nil {
			return err
		}
		if err := svc.CheckPictureBudget(ctx, hub.OwnerHeader, 0, images.header.up); err != nil {
			return err
		}
		st, err := svc.Settings(ctx)
		if err != nil {
			return err
		}
		for flagName, pair := range map[string]struct{ dst, v *string }{
			"name": {&st.Name, name}, "description": {&st.Description, description},
			"timezone": {&st.TimeZone, timezone}, "language": {&st.Language, language},
			"accent-colour": {&st.AccentColour, accent}, "handle": {&st.Handle, handle}, "area": {&st.Area.Name, area},
		} {
			if e.isSet(flagName) {
				*pair.dst = *pair.v
			}
		}
		for flagName, pair := range map[string]struct{ dst, v *bool }{
			"discoverable": {&st.Discoverable, discoverable}, "indexable": {&st.Indexable, indexable},
			"approve-followers": {&st.ManuallyApprovesFollowers, approve}, "answer-network-search": {&st.AnswersNetworkSearch, answers},
		} {
			if e.isSet(flagName) {
				*pair.dst = *pair.v
			}
		}
		bad := map[string]string{}
		for _, c := range []struct {
			flag, field, value string
			dst                **float64
		}{{"lat", "area_latitude", *lat, &st.Area.Latitude}, {"lon", "area_longitude", *lon, &st.Area.Longitude}} {
			if e.isSet(c.flag) {
				if *c.dst, err = parseDegrees(c.value); err != nil {
					bad[c.field] = "Write the " + c.flag + " as a number of degrees, for example 53.4668."
				}
			}
		}
		if err := withValidation(bad, "settings", func() error { cp := st; return cp.Validate() }); err != nil {
			return err
		}
		if e.isSet("embed-origins") {
			if st.EmbedOrigins, err = hub.ParseEmbedOrigins(*embedOrigins); err != nil {
				return err
			}
		}
		if err := svc.UpdateSettings(ctx, st); err != nil {
			return err
		}
		if err := images.save(ctx, e, svc); err != nil {
			return err
		}
		if st, err = svc.Settings(ctx); err != nil { // as saved, tidied
			return err
		}
		if !e.json {
			e.printf("Saved.\n\n")
		}
		return e.printSettings(st)
	})
}

// parseDegrees reads a coordinate; empty is none.
func parseDegrees(v string) (*float64, error) {
	if v = strings.TrimSpace(v); v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
