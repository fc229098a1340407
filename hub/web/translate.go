package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/locales"
)

// Every message in the templates ({{t "Save"}}, {{tn "%d event" "%d
// events" .N}}) and in the handlers (s.t(r, "Event saved.")) is looked up
// in the catalog (package locales) in the language the request is
// answered in. A message is its English text, a fmt format when it takes
// arguments ({{t "%d events" .N}}).

// msg marks a message that is chosen before it is shown, so the catalog
// extractor (internal/i18n) finds it; it returns msg.
func msg(m string) string { return m }

// translator gives the messages of one language.
type translator struct {
	locales.Words
	info locales.Language
}

// HTML is T for template text that holds HTML (entities, apostrophes left
// as typed): a catalog's text is trusted as the template itself is.
//
// Arguments are escaped, as the template would escape them, unless they
// are template.HTML themselves (another tHTML, or markup the template
// built): {{tHTML "You are about to delete <strong>%s</strong>." .Name}}.
func (tr translator) HTML(msg string, args ...any) template.HTML {
	for i, a := range args {
		switch a := a.(type) {
		case template.HTML:
		case string:
			args[i] = template.HTMLEscapeString(a)
		default:
			args[i] = template.HTMLEscapeString(fmt.Sprint(a))
		}
	}
	return template.HTML(tr.T(msg, args...))
}

// text is a message the domain chose (hub.Text), in tr's language.
func (tr translator) text(t hub.Text) string { return tr.T(t.Format, t.Args...) }

// Tn is the plural message one/other for n (Words.N).
func (tr translator) Tn(one, other string, n int, args ...any) string {
	return tr.N(one, other, n, args...)
}

// weekdayCodes are RRULE's day codes.
var weekdayCodes = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// funcs are the templates' messages and dates in tr's language: "t" (text,
// escaped where it is used), "tHTML" (template text inserted as written),
// "tn" (a plural), and dates and times.
func (tr translator) funcs() template.FuncMap {
	return template.FuncMap{
		"t": tr.T, "tHTML": tr.HTML, "tn": tr.Tn,
		"date":      tr.LongDate,
		"shortDate": tr.ShortDate,
		"clock":     tr.Clock,
		"when":      tr.When,
		"zone":      tr.Zone,
		"elsewhere": tr.elsewhere,
		"weekday": func(code string) string {
			d, ok := weekdayCodes[code]
			if !ok {
				return code
			}
			return tr.Weekday(d)
		},
		"kindName":     func(kind hub.Kind) string { return tr.T(kind.Label()) },
		"text":         tr.text,
		"revisionNote": tr.revisionNote,
		// originLink links a commons item's origin (the account, else the
		// item), as HTML for a tHTML message.
		"originLink": func(originURL, itemURL, name string) template.HTML {
			href := originURL
			if href == "" {
				href = itemURL
			}
			if u, err := url.Parse(href); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
				return template.HTML(template.HTMLEscapeString(name)) // a link only to the web
			}
			return template.HTML(`<a href="` + template.HTMLEscapeString(href) + `" rel="nofollow noopener noreferrer">` + template.HTMLEscapeString(name) + `</a>`)
		},
		// timeTag and clockTag are a <time> element with a date or a time
		// of day, for tHTML messages.
		"timeTag": func(t time.Time) template.HTML {
			return template.HTML(`<time datetime="` + t.Format(time.RFC3339) + `">` + template.HTMLEscapeString(tr.LongDate(t)) + `</time>`)
		},
		"dateTimeTag": func(t time.Time) template.HTML {
			return template.HTML(`<time datetime="` + t.Format(time.RFC3339) + `">` + template.HTMLEscapeString(tr.T("[date and time: long date, time] %s, %s", tr.LongDate(t), tr.Clock(t))) + `</time>`)
		},
		"shortDateTimeTag": func(t time.Time) template.HTML {
			return template.HTML(`<time datetime="` + t.Format(time.RFC3339) + `">` + template.HTMLEscapeString(tr.T("[date and time: short date, time] %s, %s", tr.ShortDate(t), tr.Clock(t))) + `</time>`)
		},
		"clockTag": func(t time.Time) template.HTML {
			return template.HTML(`<time datetime="` + t.Format(time.RFC3339) + `">` + template.HTMLEscapeString(tr.Clock(t)) + `</time>`)
		},
		// accountName is a fediverse account's handle, with its name.
		"accountName": func(handle, name string) string {
			if name == "" {
				return handle
			}
			return handle + " (" + name + ")"
		},
		"role": func(role string) string {
			switch role {
			case hub.RoleAdmin:
				return tr.T("[an organiser's role] admin")
			case hub.RoleEditor:
				return tr.T("[an organiser's role] editor")
			}
			return role
		},
		"describe": func(rule string, start time.Time) string { return hub.DescribeIn(tr, rule, start) },
	}
}

// langKey is the context key of the request's language.
type langKey struct{}

// requestLanguage is the language a request is answered in, and whether
// the reader chose it with ?lang= (links then keep it).
type requestLanguage struct {
	tag    string
	chosen bool
}

// language decides the language of every request: a shipped language
// named by ?lang=, else the best shipped one of Accept-Language, else the
// hub's own (its setting), else English. Answers say that they vary with
// Accept-Language, and the page cache keys on the result.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rl := s.chooseLanguage(r)
		w.Header().Add("Vary", "Accept-Language")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, rl)))
	})
}

func (s *Server) chooseLanguage(r *http.Request) requestLanguage {
	if q := r.URL.Query().Get("lang"); q != "" {
		if tag, ok := s.catalog.Chosen(q); ok {
			return requestLanguage{tag: tag, chosen: true}
		}
	}
	if tag, ok := s.catalog.Preferred(r.Header.Get("Accept-Language")); ok {
		return requestLanguage{tag: tag}
	}
	return requestLanguage{tag: s.hubLanguage(r.Context())}
}

// hubLanguageCache keeps the hub's language for as long as the page cache
// keeps pages, so that a page served from the cache costs no database
// read; a change shows within that time, as pages' changes do.
type hubLanguageCache struct {
	mu    sync.Mutex
	tag   string
	until time.Time
}

// forgetHubLanguage drops the kept hub language, after this server
// changed the settings (a change from the command line shows within the
// cache's time).
func (s *Server) forgetHubLanguage() {
	s.langCache.mu.Lock()
	s.langCache.until = time.Time{}
	s.langCache.mu.Unlock()
}

// hubLanguage is the shipped language the hub's setting is answered in
// (English when it is none).
func (s *Server) hubLanguage(ctx context.Context) string {
	ttl := s.cfg.PageCache
	now := time.Now()
	if ttl > 0 {
		s.langCache.mu.Lock()
		tag, until := s.langCache.tag, s.langCache.until
		s.langCache.mu.Unlock()
		if now.Before(until) {
			return tag
		}
	}
	tag, ok := s.catalog.Supported(s.settings(ctx).Language)
	if !ok {
		tag = locales.Source
	}
	if ttl > 0 {
		s.langCache.mu.Lock()
		s.langCache.tag, s.langCache.until = tag, now.Add(ttl)
		s.langCache.mu.Unlock()
	}
	return tag
}

// langOf returns the language of r (chosen by the language middleware;
// the hub's or English for a request that did not pass it).
func (s *Server) langOf(r *http.Request) requestLanguage {
	if rl, ok := r.Context().Value(langKey{}).(requestLanguage); ok {
		return rl
	}
	return s.chooseLanguage(r)
}

// translatorIn returns the messages of lang.
func (s *Server) translatorIn(lang string) translator {
	info, ok := s.catalog.Language(lang)
	if !ok {
		lang = locales.Source
		info, _ = s.catalog.Language(lang)
	}
	return translator{Words: s.catalog.In(lang), info: info}
}

// translator returns the messages for the language r is answered in.
func (s *Server) translator(r *http.Request) translator {
	return s.translatorIn(s.langOf(r).tag)
}

// t returns msg, a message shown to a person, in the language r is
// answered in.
func (s *Server) t(r *http.Request, msg string, args ...any) string {
	return s.translator(r).T(msg, args...)
}

// tn returns the plural message one/other for n in r's language.
func (s *Server) tn(r *http.Request, one, other string, n int, args ...any) string {
	return s.translator(r).N(one, other, n, args...)
}

// errorMessage is the safe message of err in r's language: a hub.Error's
// message is looked up by its format (hub.Errorf), with those of its
// arguments that are messages themselves translated too.
func (s *Server) errorMessage(r *http.Request, err error) string {
	return translateError(s.translator(r), err)
}

func translateError(tr translator, err error) string {
	var e *hub.Error
	if !errors.As(err, &e) {
		return tr.T(hub.ErrorMessage(err))
	}
	if e.Format == "" {
		return tr.T(e.Message)
	}
	return translateText(tr, e.Format, e.Args)
}

// translateText is a message with its arguments in tr's language; the
// arguments that are hub.Messages are translated too.
func translateText(tr translator, format string, args []any) string {
	if len(args) == 0 {
		return tr.T(format)
	}
	out := make([]any, len(args))
	for i, a := range args {
		if m, ok := a.(hub.Message); ok {
			a = tr.T(string(m))
		}
		out[i] = a
	}
	return tr.T(format, out...)
}

// errorFields are the per-field messages of a validation error in r's
// language: hub.Error's FieldTexts (with their arguments) where it has
// them, else its Fields looked up as they are.
func (s *Server) errorFields(r *http.Request, err error) map[string]string {
	return translateFields(s.translator(r), err)
}

// translateFields is errorFields in tr's language.
func translateFields(tr translator, err error) map[string]string {
	fields := hub.ErrorFields(err)
	if len(fields) == 0 {
		return fields
	}
	var e *hub.Error
	errors.As(err, &e)
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		if t, ok := e.FieldTexts[k]; ok {
			out[k] = translateText(tr, t.Format, t.Args)
			continue
		}
		out[k] = tr.T(v)
	}
	return out
}

// fieldMessages translates a validation error's per-field messages.
func (s *Server) fieldMessages(r *http.Request, fields map[string]string) map[string]string {
	if len(fields) == 0 {
		return fields
	}
	tr := s.translator(r)
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = tr.T(v)
	}
	return out
}

// revisionNote shows a guide revision's note: the notes the hub writes
// itself ("Created", "Restored from revision 3"; stored in English) in
// tr's language, an organiser's own as written.
func (tr translator) revisionNote(note string) string {
	if note == "Created" {
		return tr.T("[a guide revision's note] Created")
	}
	if n, ok := strings.CutPrefix(note, "Restored from revision "); ok {
		if i, err := strconv.Atoi(n); err == nil {
			return tr.T("[a guide revision's note] Restored from revision %d", i)
		}
	}
	return note
}
