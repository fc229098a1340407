package main

import (
	"context"
	"flag"

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
	images := registerSettingsPictures(fs)
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if err := images.prepare(); err != nil {
			return err
		}
		st, err := svc.Settings(ctx)
		if err != nil {
			return err
		}
		for flagName, pair := range map[string]struct{ dst, v *string }{
			"name": {&st.Name, name}, "description": {&st.Description, description},
			"timezone": {&st.TimeZone, timezone}, "language": {&st.Language, language},
			"accent-colour": {&st.AccentColour, accent}, "handle": {&st.Handle, handle},
		} {
			if e.isSet(flagName) {
				*pair.dst = *pair.v
			}
		}
		for flagName, pair := range map[string]struct{ dst, v *bool }{
			"discoverable": {&st.Discoverable, discoverable}, "indexable": {&st.Indexable, indexable},
			"approve-followers": {&st.ManuallyApprovesFollowers, approve},
		} {
			if e.isSet(flagName) {
				*pair.dst = *pair.v
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

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
