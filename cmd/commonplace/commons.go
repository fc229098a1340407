package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// The commons from the command line: follow other hubs, list and
// re-share their items, and moderate. The serving hub delivers what these
// commands queue.

func peerCommand() *command {
	return group("peer", "Follow other hubs, so their public items join this hub's commons",
		&command{name: "follow", args: "HANDLE|URL", nargs: 1, summary: "Follow a hub by @name@host or web address", json: true, network: true, setup: peerFollow,
			help: "The hub must have served once (so it knows its public address). Its items arrive once it accepts."},
		&command{name: "list", summary: "List the hubs this hub follows", json: true, readOnly: true, setup: peerList},
		&command{name: "unfollow", args: "ACTOR", nargs: 1, summary: "Stop following a hub (its actor address, as 'peer list' shows) and remove its items", setup: peerUnfollow},
	)
}

func commonsCommand() *command {
	return group("commons", "List the commons and re-share its items with this hub's followers",
		&command{name: "list", summary: "List items held from other hubs", json: true, readOnly: true, setup: commonsList},
		&command{name: "share", args: "ID", nargs: 1, summary: "Re-share (Announce) an item with this hub's followers", setup: commonsShare(false)},
		&command{name: "unshare", args: "ID", nargs: 1, summary: "Withdraw a re-share", setup: commonsShare(true)},
	)
}

func blockCommand() *command {
	return group("block", "Block accounts and servers, and manage the allowlist",
		&command{name: "add", args: "SERVER|ACCOUNT", nargs: 1, summary: "Block a server (host name) or, with --account, one account (its address)", setup: blockAdd},
		&command{name: "remove", args: "SERVER|ACCOUNT", nargs: 1, summary: "Lift a block", setup: blockRemove},
		&command{name: "list", summary: "List blocks and the allowlist", json: true, readOnly: true, setup: blockList},
		&command{name: "allow", args: "SERVER", nargs: 1, summary: "Put a server on the allowlist (--remove takes it off)", setup: blockAllow},
		&command{name: "allowlist", args: "on|off", nargs: 1, summary: "Federate only with allowed servers (on), or with all not blocked (off)", setup: blockAllowlist},
		&command{name: "hold-replies", args: "on|off", nargs: 1, summary: "Hold replies from servers this hub follows nobody on for review in the queue (on), or show them at once (off)", setup: blockHoldReplies},
	)
}

func peerFollow(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		p, err := svc.FollowPeer(ctx, args[0])
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(p)
		}
		e.printf("Asked to follow %s (%s). Its items join the commons once it accepts.\n", p.Handle(), p.ActorID)
		return nil
	})
}

var peerList = listSetup((*hub.Service).Peers, listing[hub.Peer]{
	empty:  "This hub follows no other hub yet. Follow one with 'commonplace peer follow @name@host'.",
	header: "HANDLE\tSTATE\tITEMS\tACTOR\tLAST PROBLEM\tNEXT RETRY",
	row: func(w io.Writer, p hub.Peer) {
		next := "-"
		if p.NextRetry != nil && p.State == hub.PeerPending {
			next = p.NextRetry.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", p.Handle(), p.State, p.Items, p.ActorID, orDash(p.LastError), next)
	},
})

func peerUnfollow(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if err := svc.UnfollowPeer(ctx, args[0]); err != nil {
			return err
		}
		e.printf("Unfollowed %s; its items have left the commons.\n", args[0])
		return nil
	})
}

func commonsList(fs *flag.FlagSet, e *env) runFunc {
	kind := fs.String("kind", "", "only `event`, guide or case-study")
	from := fs.String("from", "", "only items from this `server`")
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		items, _, err := svc.RemoteItems(ctx, hub.RemoteItemFilter{Kind: hub.Kind(*kind), Host: *from, Limit: 100})
		if err != nil {
			return err
		}
		return printList(ctx, e, items, commonsListing)
	})
}

func commonsShare(undo bool) func(fs *flag.FlagSet, e *env) runFunc {
	return func(fs *flag.FlagSet, e *env) runFunc {
		return e.withIDArg("ID must be the number of an item, as 'commonplace commons list' shows", func(ctx context.Context, svc *hub.Service, id int64) error {
			if err := svc.Reshare(ctx, id, undo); err != nil {
				return err
			}
			if undo {
				e.printf("Withdrew the re-share of item %d.\n", id)
			} else {
				e.printf("Re-shared item %d with this hub's followers.\n", id)
			}
			return nil
		})
	}
}

func blockKind(account bool) string {
	if account {
		return hub.BlockActor
	}
	return hub.BlockDomain
}

func blockAdd(fs *flag.FlagSet, e *env) runFunc {
	account := fs.Bool("account", false, "block one account (give its address) rather than a server")
	note := fs.String("note", "", "why, for other organisers")
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if err := svc.Block(ctx, hub.Block{Kind: blockKind(*account), Value: args[0], Note: *note}); err != nil {
			return err
		}
		e.printf("Blocked %s: what it sent here is removed, and nothing more is taken from it or sent to it.\n", args[0])
		return nil
	})
}

func blockRemove(fs *flag.FlagSet, e *env) runFunc {
	account := fs.Bool("account", false, "the block is of one account")
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if err := svc.Unblock(ctx, blockKind(*account), args[0]); err != nil {
			return err
		}
		e.printf("Lifted the block on %s.\n", args[0])
		return nil
	})
}

func blockList(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		p, err := svc.ModerationPolicy(ctx)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(p)
		}
		mode := "off (every server not blocked)"
		if p.Allowlist {
			mode = "on (allowed servers and followed hubs only)"
		}
		e.printf("Allowlist mode: %s\n", mode)
		for _, h := range p.Allowed {
			e.printf("allowed  %s\n", h)
		}
		for _, b := range p.Blocks {
			e.printf("blocked  %-7s %s %s\n", b.Kind, b.Value, b.Note)
		}
		return nil
	})
}

func blockAllow(fs *flag.FlagSet, e *env) runFunc {
	remove := fs.Bool("remove", false, "take the server off the allowlist")
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if err := svc.AllowServer(ctx, args[0], !*remove); err != nil {
			return err
		}
		e.printf("Done.\n")
		return nil
	})
}

func blockAllowlist(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		var on bool
		switch args[0] {
		case "on":
			on = true
		case "off":
		default:
			return usagef("say on or off")
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		if err := svc.SetAllowlist(ctx, on); err != nil {
			return err
		}
		e.printf("Allowlist mode is %s.\n", args[0])
		return nil
	}
}

// commonsListing prints the commons as text.
var commonsListing = listing[*hub.RemoteItem]{
	empty:  "The commons is empty.",
	header: "ID\tKIND\tTITLE\tFROM\tRE-SHARED",
	row: func(w io.Writer, it *hub.RemoteItem) {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\n", it.ID, it.Kind, it.Title, it.Origin.Host, it.Reshared)
	},
	json: func(enc apijson.Encoder, it *hub.RemoteItem) any { return enc.CommonsItem(it) },
}
