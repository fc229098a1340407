package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// The whole route table. Who may reach a route is declared here, by the
// group it is in:
//
//   - anyone: the fediverse side, /healthz, static files, feeds and the
//     public pages (no cookies set);
//   - an organiser with a session (requireSession): everything under /admin
//     but the login form;
//   - an organiser with an API token (requireToken): everything under
//     /api/v1.
//
// What an organiser's role allows is decided by hub.Service, not here.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	if s.base.Scheme == "https" {
		r.Use(strictTransportSecurity) // outermost: on every answer, also a recovered panic's
	}
	r.Use(s.recoverPanics, trustProxies(s.cfg.TrustedProxies), s.logRequests)
	r.NotFound(securityHeaders(s.html(func(w http.ResponseWriter, r *http.Request) error {
		return hub.Errorf(hub.ENOTFOUND, "There is no page at this address.")
	})).ServeHTTP)
	r.MethodNotAllowed(securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	})).ServeHTTP)

	// Anyone. The fediverse side: WebFinger, NodeInfo, the actor and its
	// inboxes, all JSON, with the short header set.
	if s.cfg.ActivityPub != nil {
		r.Group(func(r chi.Router) {
			r.Use(withHeaders(dataHeaders), limitBody(maxFormBody))
			s.cfg.ActivityPub.Routes(r)
		})
	}

	s.pictureRoutes(r) // anyone: picture files, outside the pages' group (they set its headers; pictures.go)
	// Everything else is pages, feeds and files for people.
	r.Group(func(r chi.Router) {
		r.Use(securityHeaders)

		// Anyone.
		r.Get("/healthz", s.healthz)
		r.Get("/static/*", s.serveStatic)
		r.Get("/theme.css", s.html(s.themeCSS))
		r.Get("/logo", s.html(s.logo))
		// iCalendar and Atom feeds (feeds.go), also for HEAD.
		for path, h := range map[string]handlerFunc{
			"/calendar.ics":               s.calendarAll,
			"/events/{slug}/calendar.ics": s.calendarEvent,
			"/topics/{slug}/calendar.ics": s.calendarTopic,
			"/places/{slug}/calendar.ics": s.calendarPlace,
			"/feed.atom":                  s.atomFeed,
		} {
			r.Get(path, s.html(h))
			r.Head(path, s.html(h))
		}

		// Anyone: where topics were when they were called tags; every
		// address there redirects permanently to the same one under
		// /topics (public_topics.go).
		r.HandleFunc(uris.OldTopics, movedTo(uris.OldTopics, uris.Topics))
		r.HandleFunc(uris.OldTopics+"/*", movedTo(uris.OldTopics, uris.Topics))

		s.suggestRoutes(r) // anyone: suggesting an event
		// Anyone: public pages, the same for every reader of a language,
		// so they may be kept briefly (pagecache.go), by language.
		r.Group(func(r chi.Router) {
			r.Use(s.language, s.pages.middleware)
			s.publicRoutes(r)
			s.embedRoutes(r)
			s.printRoutes(r)
		})

		// Organiser pages: a session cookie scoped to /admin, CSRF tokens on
		// every form and cross-origin protection for every unsafe method.
		r.Route("/admin", func(r chi.Router) {
			r.Use(s.language, limitBody(maxFormBody, "/admin/settings/logo"), crossOriginProtection, noStore)
			// Anyone: signing in.
			r.Get("/login", s.html(s.loginForm))
			r.Post("/login", s.html(s.login))
			// Anyone: the topics' old organiser addresses redirect to
			// the new ones, which ask for a session.
			r.HandleFunc(uris.OldTopics, movedTo("/admin"+uris.OldTopics, adminTopics))
			r.HandleFunc(uris.OldTopics+"/*", movedTo("/admin"+uris.OldTopics, adminTopics))
			// An organiser with a session.
			r.Group(func(r chi.Router) {
				r.Use(s.requireSession)
				s.adminRoutes(r)
				s.embedAdminRoutes(r)
				s.adaptationAdminRoutes(r)
				s.pictureAdminRoutes(r, false)
			})
		})

		// Organiser API: JSON in and out.
		r.Route("/api/v1", func(r chi.Router) {
			r.Use(s.language, limitBody(maxFormBody, "/api/v1/settings/logo"), noStore)
			r.NotFound(s.api(func(w http.ResponseWriter, r *http.Request) error {
				return hub.Errorf(hub.ENOTFOUND, "No such API endpoint.")
			}))
			r.MethodNotAllowed(s.api(func(w http.ResponseWriter, r *http.Request) error {
				return &apiError{status: http.StatusMethodNotAllowed, code: "EMETHOD", msg: s.t(r, "This endpoint does not support %s.", r.Method)}
			}))
			// An organiser with an API token.
			r.Group(func(r chi.Router) {
				r.Use(s.requireToken)
				s.apiRoutes(r)
				s.pictureAdminRoutes(r, true)
			})
		})
	})
	return r
}

// publicRoutes are the readers' pages (public_*.go). Access: anyone.
func (s *Server) publicRoutes(r chi.Router) {
	r.Get("/", s.html(s.home))
	if s.cfg.ActivityPub != nil {
		r.Post("/follow", s.html(s.followFromServer))
	}
	r.Get("/events", s.html(s.eventList))
	r.Get("/past-events", s.html(s.pastEvents)) // uris.PastEvents
	r.Get("/events/{slug}", s.negotiate(hub.KindEvent, s.html(s.eventShow)))
	r.Get("/guides", s.html(s.guideList))
	r.Get("/guides/{slug}", s.negotiate(hub.KindGuide, s.html(s.guideShow)))
	r.Get("/case-studies", s.html(s.caseStudyList))
	r.Get("/case-studies/{slug}", s.negotiate(hub.KindCaseStudy, s.html(s.caseStudyShow)))
	r.Get("/topics", s.html(s.topicList))
	r.Get("/topics/{slug}", s.html(s.topicShow))
	r.Get("/places", s.html(s.placeList))
	r.Get("/places/{slug}", s.html(s.placeShow))
	r.Get("/commons", s.html(s.commonsList))
	r.Get("/search", s.html(s.search))
	r.Get("/commons/{id}", s.html(s.commonsShow))
	s.networkPublicRoutes(r)
}

// adminRoutes are the organiser pages under /admin (admin_*.go). Access:
// an organiser with a session; roles are checked by hub.Service.
func (s *Server) adminRoutes(r chi.Router) {
	r.Get("/", s.html(s.dashboard))
	r.Post("/logout", s.html(s.logout))
	s.networkAdminRoutes(r)

	events, guides, studies, places, tags := s.eventItems(), s.guideItems(), s.caseStudyItems(), s.placeItems(), s.topicDeleter()
	r.Get("/events", s.html(s.eventAdminList))
	s.adminCRUDRoutes(r, "/events", events.crud())
	r.Get("/events/{id}/status", s.html(s.eventStatusShow))
	r.Post("/events/{id}/status", s.html(s.eventStatusSave))

	r.Get("/guides", s.html(s.guideAdminList))
	s.adminCRUDRoutes(r, "/guides", guides.crud())
	r.Get("/guides/{id}/revisions", s.html(s.guideRevisions))
	r.Get("/guides/{id}/revisions/{n}", s.html(s.guideRevisionShow))
	r.Post("/guides/{id}/revisions/{n}/restore", s.html(s.guideRevisionRestore))

	r.Get("/case-studies", s.html(s.caseStudyAdminList))
	s.adminCRUDRoutes(r, "/case-studies", studies.crud())

	r.Get("/places", s.html(adminList(s, "admin/places", "Places", s.svc.ListPlaces)))
	s.adminCRUDRoutes(r, "/places", places.crud())

	r.Get("/topics", s.html(s.topicAdminList))
	r.Post("/topics", s.html(s.topicCreate))
	r.Get("/topics/{slug}/edit", s.html(s.topicEdit))
	r.Post("/topics/{slug}/edit", s.html(s.topicUpdate))
	r.Get("/topics/{slug}/delete", s.html(tags.deleteConfirm))
	r.Post("/topics/{slug}/delete", s.html(tags.delete))

	r.Get("/federation", s.html(s.federationShow))
	r.Post("/federation/followers/approve", s.html(s.followerApprove))
	r.Get("/federation/followers/refuse", s.html(s.followerRefuseConfirm))
	r.Post("/federation/followers/refuse", s.html(s.followerRefuse))
	r.Post("/federation/deliveries/{id}/retry", s.html(s.deliveryRetry))
	r.Get("/commons", s.html(s.commonsAdmin))
	r.Post("/commons/follow", s.html(s.peerFollow))
	r.Post("/commons/unfollow", s.html(s.peerUnfollow))
	r.Post("/commons/reshare", s.html(s.itemReshare))
	r.Post("/commons/comments/{id}/hide", s.html(s.commentHide))
	r.Post("/commons/comments/{id}/delete", s.html(s.commentDelete))
	r.Post("/commons/block", s.html(s.blockAdd))
	r.Post("/commons/unblock", s.html(s.blockRemove))
	r.Post("/commons/allowlist", s.html(s.allowlistSet))
	r.Post("/commons/allow", s.html(s.allowServer))

	r.Get("/settings", s.html(s.settingsForm))
	r.Post("/settings", s.html(s.settingsUpdate))
	r.Post("/settings/logo", s.html(s.logoUpdate))

	r.Get("/organisers", s.html(adminList(s, "admin/organisers", "Organisers", s.svc.ListOrganisers)))
	s.adminCRUDRoutes(r, "/organisers", adminCRUD{s.organiserNew, s.organiserCreate, s.organiserEdit, s.organiserUpdate, s.organiserDeleteConfirm, s.organiserDelete})

	s.queueAdminRoutes(r)

	r.Get("/account", s.html(s.accountForm))
	r.Post("/account/password", s.html(s.accountPassword))
	r.Get("/tokens", s.html(s.tokenList))
	r.Post("/tokens", s.html(s.tokenCreate))
	r.Post("/tokens/{id}/delete", s.html(s.tokenDelete))

	if s.cfg.Calendars != nil { // calendar subscriptions
		r.Get("/calendars", s.html(s.calendarAdminList))
		r.Post("/calendars", s.html(s.calendarCreate))
		r.Post("/calendars/{id}/refresh", s.html(s.calendarRefresh))
		r.Get("/calendars/{id}/delete", s.html(s.calendarDeleteConfirm))
		r.Post("/calendars/{id}/delete", s.html(s.calendarDelete))
	}
}

// apiRoutes are the JSON API under /api/v1 (api_*.go). Access: an
// organiser with an API token; roles are checked by hub.Service.
func (s *Server) apiRoutes(r chi.Router) {
	r.Get("/me", s.api(s.apiMe))

	s.apiCRUDRoutes(r, "/events", "/{id}", apiCRUD{s.apiEventList, s.apiEventCreate, s.apiEventGet, s.apiEventUpdate, s.apiEventDelete})
	r.Post("/events/{id}/status", s.api(s.apiEventStatus))
	r.Get("/occurrences", s.api(s.apiOccurrences))

	s.apiCRUDRoutes(r, "/guides", "/{id}", apiCRUD{s.apiGuideList, s.apiGuideCreate, s.apiGuideGet, s.apiGuideUpdate, s.apiGuideDelete})
	r.Get("/guides/{id}/revisions", s.api(s.apiGuideRevisions))
	r.Get("/guides/{id}/revisions/{n}", s.api(s.apiGuideRevision))
	r.Post("/guides/{id}/revisions/{n}/restore", s.api(s.apiGuideRestore))

	s.apiCRUDRoutes(r, "/case-studies", "/{id}", apiCRUD{s.apiCaseStudyList, s.apiCaseStudyCreate, s.apiCaseStudyGet, s.apiCaseStudyUpdate, s.apiCaseStudyDelete})

	s.apiCRUDRoutes(r, "/places", "/{id}", apiCRUD{s.apiPlaceList, s.apiPlaceCreate, s.apiPlaceGet, s.apiPlaceUpdate, s.apiPlaceDelete})

	// Topics, also at /tags as before they were renamed (api_topics.go).
	for _, p := range []string{uris.Topics, uris.OldTopics} {
		s.apiCRUDRoutes(r, p, "/{slug}", apiCRUD{s.apiTopicList, s.apiTopicCreate, s.apiTopicGet, s.apiTopicUpdate, s.apiTopicDelete})
	}

	r.Get("/settings", s.api(s.apiSettingsGet))
	r.Put("/settings", s.api(s.apiSettingsUpdate))
	r.Put("/settings/logo", s.api(s.apiLogoUpdate))
	r.Delete("/settings/logo", s.api(s.apiLogoDelete))

	s.apiCRUDRoutes(r, "/organisers", "/{id}", apiCRUD{s.apiOrganiserList, s.apiOrganiserCreate, s.apiOrganiserGet, s.apiOrganiserUpdate, s.apiOrganiserDelete})

	r.Get("/tokens", s.api(s.apiTokenList))
	r.Post("/tokens", s.api(s.apiTokenCreate))
	r.Delete("/tokens/{id}", s.api(s.apiTokenDelete))

	if s.cfg.Calendars != nil { // calendar subscriptions
		r.Get("/calendars", s.api(s.apiCalendarList))
		r.Post("/calendars", s.api(s.apiCalendarCreate))
		r.Get("/calendars/{id}", s.api(s.apiCalendarGet))
		r.Post("/calendars/{id}/refresh", s.api(s.apiCalendarRefresh))
		r.Delete("/calendars/{id}", s.api(s.apiCalendarDelete))
	}

	r.Get("/peers", s.api(s.apiPeerList))
	r.Post("/peers", s.api(s.apiPeerFollow))
	r.Delete("/peers", s.api(s.apiPeerUnfollow))
	r.Get("/commons", s.api(s.apiCommonsList))
	r.Post("/commons/{id}/reshare", s.api(s.apiReshare(false)))
	r.Delete("/commons/{id}/reshare", s.api(s.apiReshare(true)))
	r.Get("/comments", s.api(s.apiCommentList))
	r.Put("/comments/{id}/hidden", s.api(s.apiCommentHide))
	r.Delete("/comments/{id}", s.api(s.apiCommentDelete))
	r.Get("/blocks", s.api(s.apiBlockList))
	r.Post("/blocks", s.api(s.apiBlockAdd))
	r.Delete("/blocks", s.api(s.apiBlockRemove))

	s.queueAPIRoutes(r)
}

// suggestRoutes are the event suggestion form (public_suggest.go).
// Access: anyone. Not in the page cache: each form has its own token.
func (s *Server) suggestRoutes(r chi.Router) {
	r.With(s.language, noStore).Get("/events/suggest", s.html(s.suggestNew))
	r.With(s.language, noStore, limitBody(64<<10)).Post("/events/suggest", s.html(s.suggestCreate))
}

// queueAdminRoutes are the moderation queue's organiser pages
// (admin_queue.go). Access: an organiser with a session.
func (s *Server) queueAdminRoutes(r chi.Router) {
	r.Get("/queue", s.html(s.queueShow))
	r.Post("/queue/suggestions/{id}/reject", s.html(s.suggestionReject))
	r.Post("/queue/reports/{id}", s.html(s.reportDecide))
	r.Get("/queue/report", s.html(s.reportForm))
	r.Post("/queue/report", s.html(s.reportSend))
	s.heldCommentRoutes(r, false)
}

// queueAPIRoutes are the moderation queue in the API (api_queue.go).
// Access: an organiser with an API token.
func (s *Server) queueAPIRoutes(r chi.Router) {
	r.Get("/queue", s.api(s.apiQueue))
	r.Get("/queue/suggestions/{id}", s.api(s.apiSuggestionGet))
	r.Post("/queue/suggestions/{id}/approve", s.api(s.apiSuggestionApprove))
	r.Post("/queue/suggestions/{id}/reject", s.api(s.apiSuggestionReject))
	r.Get("/queue/reports/{id}", s.api(s.apiReportGet))
	r.Post("/queue/reports", s.api(s.apiReportSend))
	r.Post("/queue/reports/{id}/dismiss", s.api(s.apiReportDismiss))
	r.Post("/queue/reports/{id}/resolve", s.api(s.apiReportResolve))
	s.heldCommentRoutes(r, true)
}

// networkPublicRoutes is the public network page (public_network.go)
// and the network search every hub answers;
// networkAdminRoutes its organisers' side, with a follow button for each
// suggested hub.
func (s *Server) networkPublicRoutes(r chi.Router) {
	r.Get("/network", s.html(s.networkPage))
	r.Get("/network/search.json", s.networkSearchAnswer) // other hubs' network searches (public_netsearch.go)
}
func (s *Server) networkAdminRoutes(r chi.Router) { r.Get("/network", s.html(s.networkAdmin)) }

// embedRoutes are the pages partner websites may frame (embed.go), the
// only ones: frameable sets their frame-ancestors from the hub's
// EmbedOrigins setting. Access: anyone.
func (s *Server) embedRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.frameable)
		r.Get("/embed/events", s.html(s.embedEvents))
		r.Get("/embed/events/{slug}", s.html(s.embedEvent))
		r.Get("/embed/guides/{slug}", s.html(s.embedItem(hub.KindGuide)))
		r.Get("/embed/case-studies/{slug}", s.html(s.embedItem(hub.KindCaseStudy)))
	})
	r.Get("/oembed", s.api(s.oembed)) // oembed.go
}

// embedAdminRoutes are the organisers' embed builder (admin_embed.go).
// Access: an organiser with a session; only admins may save the partner
// websites (hub.Service checks).
func (s *Server) embedAdminRoutes(r chi.Router) {
	r.Get("/embed", s.html(s.embedBuilderShow))
	r.Post("/embed/origins", s.html(s.embedOriginsSave))
}

// printRoutes are the readers' posters and month grid (poster.go,
// public_month.go). Access: anyone.
func (s *Server) printRoutes(r chi.Router) {
	r.Get("/events/{slug}/poster", s.html(s.posterShow))
	r.Get("/events/calendar", s.html(s.eventMonth))
}

// pictureAdminRoutes are the organiser pages and API endpoints of pictures
// (pictures_admin.go): the hub's header image, the pictures that need a
// description, and each item's and place's picture in the API. Access: an
// organiser; the hub decides by role.
func (s *Server) pictureAdminRoutes(r chi.Router, api bool) {
	if !api {
		r.Post("/settings/header", s.html(s.headerUpdate))
		r.Get("/pictures", s.html(s.picturesWithoutAlt))
		r.Post("/pictures/{id}/alt", s.html(s.pictureDescribe))
		return
	}
	for path, owner := range map[string]hub.PictureOwner{
		"/events/{id}/picture": hub.OwnerEvent, "/guides/{id}/picture": hub.OwnerGuide,
		"/case-studies/{id}/picture": hub.OwnerCaseStudy, "/places/{id}/picture": hub.OwnerPlace,
		"/settings/header": hub.OwnerHeader,
	} {
		of := apiPictureOwner(owner)
		r.Get(path, s.api(s.apiPictureGet(of)))
		r.Put(path, s.api(s.apiPicturePut(of)))
		r.Delete(path, s.api(s.apiPictureDelete(of)))
	}
	r.Get("/pictures", s.api(s.apiPicturesWithoutAlt))
	r.Put("/pictures/{id}/alt", s.api(func(w http.ResponseWriter, r *http.Request) error {
		return noContent(w, s.apiPictureDescribe(w, r))
	}))
}

// heldCommentRoutes are the replies held for review (admin_held.go): in
// the queue page and the API, editors and admins decide; on the commons
// page admins turn holding on or off.
func (s *Server) heldCommentRoutes(r chi.Router, api bool) {
	if api {
		r.Post("/queue/comments/{id}/approve", s.api(s.apiHeldCommentApprove))
		r.Post("/queue/comments/{id}/reject", s.api(s.apiHeldCommentReject))
		return
	}
	r.Post("/queue/comments/{id}", s.html(s.heldCommentDecide))
	r.Post("/commons/hold-replies", s.html(s.holdRepliesSet))
}

// adminCRUD is an organiser resource's pages: a form for a new one, and
// each one's edit form and delete confirmation, shown (GET) and sent
// (POST).
type adminCRUD struct{ new, create, edit, update, deleteConfirm, delete handlerFunc }

// adminCRUDRoutes are h's pages under path: path/new, path/{id}/edit and
// path/{id}/delete.
func (s *Server) adminCRUDRoutes(r chi.Router, path string, h adminCRUD) {
	r.Get(path+"/new", s.html(h.new))
	r.Post(path+"/new", s.html(h.create))
	r.Get(path+"/{id}/edit", s.html(h.edit))
	r.Post(path+"/{id}/edit", s.html(h.update))
	r.Get(path+"/{id}/delete", s.html(h.deleteConfirm))
	r.Post(path+"/{id}/delete", s.html(h.delete))
}

// apiCRUD is a resource's endpoints in the API: list and create on the
// collection, get, update and delete on one.
type apiCRUD struct{ list, create, get, update, delete handlerFunc }

// apiCRUDRoutes are h's endpoints: GET and POST path, and GET, PUT and
// DELETE path+one (one is "/{id}" or "/{slug}").
func (s *Server) apiCRUDRoutes(r chi.Router, path, one string, h apiCRUD) {
	r.Get(path, s.api(h.list))
	r.Post(path, s.api(h.create))
	r.Get(path+one, s.api(h.get))
	r.Put(path+one, s.api(h.update))
	r.Delete(path+one, s.api(h.delete))
}

// adaptationAdminRoutes: organisers hide or show other hubs' "adapted by"
// credits (admin_adaptations.go).
func (s *Server) adaptationAdminRoutes(r chi.Router) {
	r.Post("/adaptations/hidden", s.html(s.adaptationHide))
}
