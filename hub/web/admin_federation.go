package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- the fediverse page: followers, deliveries and peer servers ----

// federationView is what admin/federation shows.
type federationView struct {
	Running   bool   // false when the hub runs without federation
	Handle    string // @handle@host
	HTTPS     bool   // Mastodon finds only hubs served over https
	TimeZone  string // the zone the times are shown in
	CanManage bool   // admins approve, refuse and remove followers

	Followers []hub.Follower // waiting ones first
	Waiting   int            // followers waiting for approval
	Pending   []deliveryRow  // deliveries still to be made
	Failed    []deliveryRow  // deliveries given up on
	Peers     []peerRow
	Failing   int // peers whose latest deliveries failed
}

// deliveryRow is a delivery with its times in the hub's zone.
type deliveryRow struct {
	hub.Delivery
	Due        bool   // the next attempt is due now
	Problem    string // what went wrong last, in words
	ObjectPath string // the object's page on this hub, if it has one
}

// peerRow is a peer server with its times in the hub's zone and its state in words.
type peerRow struct {
	hub.PeerStatus
	Failing bool
	State   string
}

// hubZone is the hub's time zone, UTC when the setting is unusable.
func hubZone(st hub.Settings) *time.Location {
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func inZone(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(loc)
	return &v
}

// deliveryProblem describes a delivery's last failed attempt (the
// server's own error text stays as it came).
func deliveryProblem(tr translator, d hub.Delivery) string {
	switch {
	case d.Attempts == 0 && d.LastError == "":
		return tr.T("Not tried yet")
	case d.LastError == "" && d.LastStatus != 0:
		return tr.T("The server answered %d", d.LastStatus)
	case d.LastStatus != 0 && !strings.Contains(d.LastError, strconv.Itoa(d.LastStatus)):
		return tr.T("The server answered %d: %s", d.LastStatus, d.LastError)
	case d.LastStatus == 0 && d.LastError != "":
		return tr.T("No answer: %s", d.LastError)
	}
	return d.LastError
}

// peerState says in words how a server has been answering.
func peerState(tr translator, p hub.PeerStatus) string {
	switch {
	case p.ConsecutiveFailures == 0:
		return tr.T("Working")
	case p.Delivered == 0 && p.ConsecutiveFailures == 1:
		return tr.T("Failing: the only attempt so far failed")
	case p.Delivered == 0:
		return tr.N("Failing: none of its %d attempt has worked yet", "Failing: none of its %d attempts has worked yet", p.ConsecutiveFailures)
	case p.ConsecutiveFailures == 1:
		return tr.T("Failing: the last attempt failed")
	}
	return tr.N("Failing: the last %d attempt failed", "Failing: the last %d attempts failed", p.ConsecutiveFailures)
}

func (s *Server) federationShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := s.settings(ctx)
	v := federationView{
		TimeZone:  st.TimeZone,
		HTTPS:     s.base.Scheme == "https",
		CanManage: hub.OrganiserFrom(ctx).IsAdmin(),
	}
	fed, err := s.svc.FederationStatus(ctx)
	switch {
	case hub.ErrorCode(err) == hub.ENOTFOUND:
		// The hub runs without federation: the page says so.
	case err != nil:
		return err
	default:
		loc, now := hubZone(st), s.svc.Now()
		v.Running, v.Handle = true, fed.Handle
		v.Followers = fed.Followers
		for i := range v.Followers {
			v.Followers[i].Since = v.Followers[i].Since.In(loc)
			if v.Followers[i].Pending {
				v.Waiting++
			}
		}
		rows := func(list []hub.Delivery) []deliveryRow {
			out := make([]deliveryRow, len(list))
			for i, d := range list {
				due := !d.NextAttempt.After(now)
				d.NextAttempt, d.CreatedAt = d.NextAttempt.In(loc), d.CreatedAt.In(loc)
				row := deliveryRow{Delivery: d, Due: due, Problem: deliveryProblem(s.translator(r), d)}
				if p, ok := strings.CutPrefix(d.ObjectID, s.absURL("/")); ok && d.ActivityType != "Delete" {
					row.ObjectPath = "/" + p
				}
				out[i] = row
			}
			return out
		}
		v.Pending, v.Failed = rows(fed.Pending), rows(fed.Failed)
		for _, p := range fed.Peers {
			p.LastSuccess, p.LastFailure = inZone(p.LastSuccess, loc), inZone(p.LastFailure, loc)
			row := peerRow{PeerStatus: p, Failing: p.ConsecutiveFailures > 0, State: peerState(s.translator(r), p)}
			if row.Failing {
				v.Failing++
			}
			v.Peers = append(v.Peers, row)
		}
	}
	return s.adminPage(w, r, "admin/federation", s.t(r, "Fediverse"), v)
}

// fediverseSummary is the organiser home page's line about the fediverse.
type fediverseSummary struct {
	Handle                         string
	Followers, Waiting             int
	FailedDeliveries, FailingPeers int
}

// fediverseSummary counts followers and troubles for the home page; nil
// when the hub runs without federation.
func (s *Server) fediverseSummary(r *http.Request) (*fediverseSummary, error) {
	fed, err := s.svc.FederationStatus(r.Context())
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sum := &fediverseSummary{Handle: fed.Handle, FailedDeliveries: len(fed.Failed)}
	for _, f := range fed.Followers {
		if f.Pending {
			sum.Waiting++
		} else {
			sum.Followers++
		}
	}
	for _, p := range fed.Peers {
		if p.ConsecutiveFailures > 0 {
			sum.FailingPeers++
		}
	}
	return sum, nil
}

// followerByActor finds a follower for the confirmation page.
func (s *Server) followerByActor(r *http.Request, actorID string) (hub.Follower, error) {
	fed, err := s.svc.FederationStatus(r.Context())
	if err != nil {
		return hub.Follower{}, err
	}
	for _, f := range fed.Followers {
		if f.ActorID == actorID {
			return f, nil
		}
	}
	return hub.Follower{}, hub.Errorf(hub.ENOTFOUND, "This account does not follow the hub (any more).")
}

// postedFollower is the follower a form acts on. One the status does not
// list (it lists a limited number) is still acted on by its actor IRI; the
// service answers ENOTFOUND for strangers.
func (s *Server) postedFollower(r *http.Request) (hub.Follower, error) {
	actor := r.PostFormValue("actor")
	f, err := s.followerByActor(r, actor)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return hub.Follower{ActorID: actor}, nil
	}
	return f, err
}

func (s *Server) followerApprove(w http.ResponseWriter, r *http.Request) error {
	f, err := s.postedFollower(r)
	if err != nil {
		return err
	}
	return s.redirectDone(w, r, s.svc.ApproveFollower(r.Context(), f.ActorID), "/admin/federation", s.t(r, "%s now follows the hub. Their server is being told, and new posts will reach them.", f.Handle()))
}

// refuseView is what admin/follower_refuse shows.
type refuseView struct {
	Follower hub.Follower
}

func (s *Server) followerRefuseConfirm(w http.ResponseWriter, r *http.Request) error {
	if !hub.OrganiserFrom(r.Context()).IsAdmin() {
		return hub.Errorf(hub.EFORBIDDEN, "Only admins can refuse or remove followers. Ask an admin of this hub.")
	}
	f, err := s.followerByActor(r, r.URL.Query().Get("actor"))
	if err != nil {
		return err
	}
	title := s.t(r, "Remove a follower")
	if f.Pending {
		title = s.t(r, "Refuse a follower")
	}
	return s.adminPage(w, r, "admin/follower_refuse", title, refuseView{Follower: f})
}

func (s *Server) followerRefuse(w http.ResponseWriter, r *http.Request) error {
	f, err := s.postedFollower(r)
	if err != nil {
		return err
	}
	msg := s.t(r, "%s no longer follows the hub. Their server is being told.", f.Handle())
	if f.Pending {
		msg = s.t(r, "You refused %s. Their server is being told.", f.Handle())
	}
	return s.redirectDone(w, r, s.svc.RejectFollower(r.Context(), f.ActorID), "/admin/federation", msg)
}

func (s *Server) deliveryRetry(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.redirectDone(w, r, s.svc.RetryDelivery(r.Context(), id), "/admin/federation", s.t(r, "The delivery is back in the queue: the hub will try it again in a moment."))
}
