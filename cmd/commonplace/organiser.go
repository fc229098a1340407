package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// organiserView is an organiser as printed: never the password hash.
type organiserView struct {
	ID        int64
	Email     string
	Name      string
	Role      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func viewOrganiser(o *hub.Organiser) organiserView {
	return organiserView{ID: o.ID, Email: o.Email, Name: o.Name, Role: o.Role, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// tokenView is an API token as printed: never the hash.
type tokenView struct {
	ID             int64
	OrganiserID    int64
	OrganiserEmail string
	Name           string
	CreatedAt      time.Time
	LastUsedAt     *time.Time
}

func organiserCommand() *command {
	return group("organiser", "Manage the people who can log in and run the hub",
		organiserAddCommand(),
		&command{name: "list", summary: "List organisers", json: true, readOnly: true, setup: organiserList},
		organiserEditCommand(),
		&command{name: "remove", summary: "Remove an organiser with their logins and tokens", setup: organiserRemove},
		organiserPasswordCommand(),
	)
}

// passwordFlags are --password and --password-stdin.
type passwordFlags struct {
	password string
	stdin    bool
}

func (p *passwordFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.password, "password", "", "the `password`, at least 10 characters; if neither this nor --password-stdin\nis given, a random one is made and printed")
	fs.BoolVar(&p.stdin, "password-stdin", false, "read the password from the first line of standard input")
}

// withPassword gets the password to set (or makes one, generated), then
// opens the hub and runs body.
func (p *passwordFlags) withPassword(e *env, body func(ctx context.Context, svc *hub.Service, password string, generated bool) error) runFunc {
	return func(ctx context.Context, args []string) error {
		password, generated, err := p.get(e)
		if err != nil {
			return err
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		return body(ctx, svc, password, generated)
	}
}

// get returns the password to set and whether it was generated.
func (p *passwordFlags) get(e *env) (string, bool, error) {
	if p.stdin {
		if p.password != "" {
			return "", false, usagef("give --password or --password-stdin, not both")
		}
		line, err := bufio.NewReader(e.io.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, hub.Errorf(hub.EINVALID, "Could not read a password from standard input.")
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	if p.password != "" {
		return p.password, false, nil
	}
	return randomPassword(), true, nil
}

func organiserAddCommand() *command {
	return &command{
		name:    "add",
		summary: "Add an organiser; the first one is always an admin",
		json:    true,
		help: `Editors manage content; admins also manage settings and organisers. The
first organiser of a hub is always an admin. Without --password a random
password is made and printed once.`,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			email := fs.String("email", "", "email `address` used to log in")
			name := fs.String("name", "", "the organiser's `name`")
			admin := fs.Bool("admin", false, "make them an admin (same as --role admin)")
			role := fs.String("role", hub.RoleEditor, "`role`: editor or admin")
			var pw passwordFlags
			pw.register(fs)
			add := pw.withPassword(e, func(ctx context.Context, svc *hub.Service, password string, generated bool) error {
				all, err := svc.ListOrganisers(ctx)
				if err != nil {
					return err
				}
				o := &hub.Organiser{Email: *email, Name: *name, Role: *role}
				if len(all) == 0 {
					err = svc.Bootstrap(ctx, o, password)
				} else {
					err = svc.CreateOrganiser(ctx, o, password)
				}
				if err != nil {
					return err
				}
				if e.json {
					out := apijson.Encoder{}.Organiser(o)
					if generated {
						out.Password = password // made up here: shown once
					}
					return e.printJSON(out)
				}
				e.printf("Added %s %s <%s>.\n", o.Role, o.Name, o.Email)
				if len(all) == 0 && *role != hub.RoleAdmin {
					e.printf("They are the hub's first organiser, so they are an admin.\n")
				}
				if generated {
					e.printf("Password: %s\n(shown once: pass it on safely; change it with 'commonplace organiser password --email %s')\n", password, o.Email)
				}
				return nil
			})
			return func(ctx context.Context, args []string) error {
				if *admin {
					if e.isSet("role") && *role != hub.RoleAdmin {
						return usagef("--admin and --role %s contradict each other", *role)
					}
					*role = hub.RoleAdmin
				}
				return add(ctx, args)
			}
		},
	}
}

var organiserList = listSetup(listOrganiserViews, listing[organiserView]{
	empty:  "No organisers yet. Add the first admin with 'commonplace organiser add --admin --email ... --name ...'.",
	header: "ID\tEMAIL\tNAME\tROLE\tADDED",
	row: func(w io.Writer, o organiserView) {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", o.ID, o.Email, o.Name, o.Role, formatDate(o.CreatedAt))
	},
	json: func(enc apijson.Encoder, o organiserView) any {
		return enc.Organiser(&hub.Organiser{ID: o.ID, Email: o.Email, Name: o.Name, Role: o.Role, CreatedAt: o.CreatedAt})
	},
})

// listOrganiserViews lists the organisers as printed.
func listOrganiserViews(svc *hub.Service, ctx context.Context) ([]organiserView, error) {
	all, err := svc.ListOrganisers(ctx)
	if err != nil {
		return nil, err
	}
	views := make([]organiserView, 0, len(all))
	for _, o := range all {
		views = append(views, viewOrganiser(o))
	}
	return views, nil
}

// findOrganiser looks an organiser up by email, with a helpful not-found.
func findOrganiser(ctx context.Context, svc *hub.Service, email string) (*hub.Organiser, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, usagef("--email is required")
	}
	o, err := svc.Organisers.FindOrganiserByEmail(ctx, email)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil, hub.Errorf(hub.ENOTFOUND, "No organiser has the email %s. List them with 'commonplace organiser list'.", email)
	}
	return o, err
}

// withOrganiser opens the hub, finds the organiser whose email is given,
// and runs body.
func (e *env) withOrganiser(email *string, body func(ctx context.Context, svc *hub.Service, o *hub.Organiser) error) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		o, err := findOrganiser(ctx, svc, *email)
		if err != nil {
			return err
		}
		return body(ctx, svc, o)
	})
}

func organiserEditCommand() *command {
	return &command{
		name:    "edit",
		summary: "Change an organiser's name, email or role",
		json:    true,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			email := fs.String("email", "", "current email `address` of the organiser")
			newEmail := fs.String("new-email", "", "new email `address`")
			name := fs.String("name", "", "new `name`")
			role := fs.String("role", "", "new `role`: editor or admin")
			return e.withOrganiser(email, func(ctx context.Context, svc *hub.Service, o *hub.Organiser) error {
				given(e, "new-email", &o.Email, *newEmail)
				given(e, "name", &o.Name, *name)
				given(e, "role", &o.Role, *role)
				if err := svc.UpdateOrganiser(ctx, o); err != nil {
					return err
				}
				if e.json {
					return e.printJSON(apijson.Encoder{}.Organiser(o))
				}
				e.printf("Saved %s %s <%s>.\n", o.Role, o.Name, o.Email)
				return nil
			})
		},
	}
}

func organiserRemove(fs *flag.FlagSet, e *env) runFunc {
	email := fs.String("email", "", "email `address` of the organiser to remove")
	return e.withOrganiser(email, func(ctx context.Context, svc *hub.Service, o *hub.Organiser) error {
		if err := svc.DeleteOrganiser(ctx, o.ID); err != nil {
			return err
		}
		e.printf("Removed %s <%s>.\n", o.Name, o.Email)
		return nil
	})
}

func organiserPasswordCommand() *command {
	return &command{
		name:    "password",
		summary: "Set an organiser's password, or give them a random one",
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			email := fs.String("email", "", "email `address` of the organiser")
			var pw passwordFlags
			pw.register(fs)
			return pw.withPassword(e, func(ctx context.Context, svc *hub.Service, password string, generated bool) error {
				o, err := findOrganiser(ctx, svc, *email)
				if err != nil {
					return err
				}
				if err := svc.SetPassword(ctx, o.ID, password); err != nil {
					return err
				}
				e.printf("Changed the password of %s <%s>.\n", o.Name, o.Email)
				if generated {
					e.printf("Password: %s\n", password)
				}
				return nil
			})
		},
	}
}

func tokenCommand() *command {
	return group("token", "Manage API tokens for scripts and other programs",
		&command{
			name:    "create",
			summary: "Create an API token for an organiser and print its secret once",
			json:    true,
			setup:   tokenCreate,
		},
		&command{name: "list", summary: "List API tokens", json: true, readOnly: true, setup: tokenList},
		&command{name: "revoke", args: "ID", nargs: 1, summary: "Revoke an API token", setup: tokenRevoke},
	)
}

func tokenCreate(fs *flag.FlagSet, e *env) runFunc {
	email := fs.String("email", "", "email `address` of the organiser the token acts as")
	name := fs.String("name", "", "what the token is for, e.g. \"website calendar sync\"")
	return e.withOrganiser(email, func(ctx context.Context, svc *hub.Service, o *hub.Organiser) error {
		t, secret, err := svc.CreateToken(ctx, o.ID, *name)
		if err != nil {
			return err
		}
		if e.json {
			out := apijson.Encoder{}.Token(t)
			out.Secret = secret
			return e.printJSON(out)
		}
		e.printf("Created token %d %q for %s. Copy the secret now; it is not shown again:\n%s\n", t.ID, t.Name, o.Email, secret)
		return nil
	})
}

func viewToken(t *hub.APIToken, email string) tokenView {
	return tokenView{ID: t.ID, OrganiserID: t.OrganiserID, OrganiserEmail: email, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

var tokenList = listSetup(listTokenViews, listing[tokenView]{
	empty:  "No API tokens. Create one with 'commonplace token create --email ... --name ...'.",
	header: "ID\tORGANISER\tNAME\tCREATED\tLAST USED",
	row: func(w io.Writer, t tokenView) {
		used := "never"
		if t.LastUsedAt != nil {
			used = formatDate(*t.LastUsedAt)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.OrganiserEmail, t.Name, formatDate(t.CreatedAt), used)
	},
	json: func(enc apijson.Encoder, t tokenView) any {
		return enc.Token(&hub.APIToken{ID: t.ID, OrganiserID: t.OrganiserID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt})
	},
})

// listTokenViews lists the API tokens as printed, with their organisers'
// emails.
func listTokenViews(svc *hub.Service, ctx context.Context) ([]tokenView, error) {
	tokens, err := svc.ListTokens(ctx)
	if err != nil {
		return nil, err
	}
	organisers, err := svc.ListOrganisers(ctx)
	if err != nil {
		return nil, err
	}
	emails := map[int64]string{}
	for _, o := range organisers {
		emails[o.ID] = o.Email
	}
	views := make([]tokenView, 0, len(tokens))
	for _, t := range tokens {
		views = append(views, viewToken(t, emails[t.OrganiserID]))
	}
	return views, nil
}

func tokenRevoke(fs *flag.FlagSet, e *env) runFunc {
	return e.withIDArg("the token ID must be a number, as shown by 'commonplace token list'", func(ctx context.Context, svc *hub.Service, id int64) error {
		tokens, err := svc.ListTokens(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, t := range tokens {
			found = found || t.ID == id
		}
		if !found {
			return hub.Errorf(hub.ENOTFOUND, "There is no API token %d. List them with 'commonplace token list'.", id)
		}
		if err := svc.DeleteToken(ctx, id); err != nil {
			return err
		}
		e.printf("Revoked token %d.\n", id)
		return nil
	})
}

// formatDate shows a timestamp's date, or "-" for none.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2 Jan 2006")
}
