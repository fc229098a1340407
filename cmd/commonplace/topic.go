package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// topics (the domain's tags) are created when content first uses them,
// or with topic add. The command was called tag; tag is still an alias.
var topics = &resource[hub.Tag, *topicFlags]{
	noun: "topic", listCmd: "topic list",
	bySlug:   (*hub.Service).TagBySlug,
	newFlags: func() *topicFlags { return &topicFlags{} },
	update:   (*hub.Service).UpdateTag,
	id:       func(t *hub.Tag) int64 { return t.ID },
	remove:   (*hub.Service).DeleteTag,
	show:     showTopic,
	label:    func(t *hub.Tag) (string, string) { return t.Name, t.Slug },
	json:     func(enc apijson.Encoder, t *hub.Tag) any { return enc.Topic(t) },
}

func topicCommand() *command {
	c := group("topic", "Manage topics; content's --tags use them, and add makes one before any content does",
		&command{name: "list", summary: "List topics and how often each is used", json: true, readOnly: true, setup: topicList},
		topics.showCommand("Show a topic"),
		topicAddCommand(),
		topics.editCommand("Rename or describe a topic", "The slug, and so the topic's address, stays the same."),
		topics.deleteCommand("Remove a topic from all content and delete it"),
	)
	c.aliases = []string{"tag"}
	return c
}

// topicAddCommand is "topic add NAME": the slug comes from the name, and
// a topic with the same slug already there is an error (ECONFLICT).
func topicAddCommand() *command {
	return &command{name: "add", args: "NAME", nargs: 1, summary: "Create a topic before any content uses it", json: true,
		help: `The topic's slug, and its address /topics/SLUG, is made from NAME
("Digital skills" is digital-skills). It is an error if a topic with
that slug exists.`,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			description := fs.String("description", "", "`text` describing the topic")
			return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
				t := &hub.Tag{Name: args[0], Description: *description}
				if err := svc.CreateTag(ctx, t); err != nil {
					return err
				}
				return e.printSaved(topics.json(e.enc(ctx), t), topics.savedLine("Added", t))
			})
		}}
}

type topicFlags struct{ name, description string }

func (f *topicFlags) register(fs *flag.FlagSet, _ bool) {
	fs.StringVar(&f.name, "name", "", "new `name` (the slug stays the same)")
	fs.StringVar(&f.description, "description", "", "`text` describing the topic")
}

func (f *topicFlags) apply(_ context.Context, e *env, _ *hub.Service, t *hub.Tag, _ bool) error {
	given(e, "name", &t.Name, f.name)
	given(e, "description", &t.Description, f.description)
	return nil
}

var topicList = listSetup((*hub.Service).ListTags, listing[*hub.Tag]{
	empty:  "No topics yet. Add one with 'commonplace topic add NAME', or give events, guides or case studies --tags.",
	header: "SLUG\tUSES\tNAME\tDESCRIPTION",
	row: func(w io.Writer, t *hub.Tag) {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", t.Slug, t.Uses, t.Name, orDash(t.Description))
	},
	json: func(enc apijson.Encoder, t *hub.Tag) any { return enc.Topic(t) },
})

// showTopic prints a topic: its slug, page, uses and description.
func showTopic(ctx context.Context, e *env, _ *hub.Service, t *hub.Tag) error {
	d := details{}
	d.add("slug", t.Slug)
	d.add("page", e.enc(ctx).Topic(t).URL)
	d.add("used by", fmt.Sprintf("%d items", t.Uses))
	e.printDetails(t.Name, d, t.Description)
	return nil
}
