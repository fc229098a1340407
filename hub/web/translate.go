package web

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// Catalog holds the words readers and organisers see, by language. Every
// message in the templates ({{t "Save"}}) and in the handlers
// (s.t(r, "Event saved.")) is looked up through one, so that another
// language needs only another Catalog. A message is its English text, a
// fmt format when it takes arguments ({{t "%d events" .N}}).
type Catalog interface {
	// Message returns msg in the language lang (a BCP 47 tag), or msg
	// itself when the catalog has no translation for it.
	Message(lang, msg string) string
}

// English is the catalog of the language Commonplace is written in: every
// message is its own translation.
type English struct{}

// Message returns msg.
func (English) Message(_, msg string) string { return msg }

// defaultLanguage is the language every page is in, until a hub can choose.
const defaultLanguage = "en"

// translator gives the messages of one language.
type translator struct {
	catalog Catalog
	lang    string
}

// T returns msg in tr's language, formatted with args when there are any
// (without args msg is not a format, so a "%" in it stays as it is).
func (tr translator) T(msg string, args ...any) string {
	text := tr.catalog.Message(tr.lang, msg)
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// HTML is T for template text that holds HTML (entities, apostrophes left
// as typed): a catalog's text is trusted as the template itself is.
func (tr translator) HTML(msg string, args ...any) template.HTML {
	return template.HTML(tr.T(msg, args...))
}

// funcs are the templates' "t" (text, escaped where it is used) and
// "tHTML" (template text inserted as written).
func (tr translator) funcs() template.FuncMap {
	return template.FuncMap{"t": tr.T, "tHTML": tr.HTML}
}

// translator returns the messages for the language r is answered in.
func (s *Server) translator(r *http.Request) translator {
	return translator{catalog: s.cfg.Catalog, lang: defaultLanguage}
}

// t returns msg, a message shown to a person, in the language r is
// answered in; see Catalog.
func (s *Server) t(r *http.Request, msg string, args ...any) string {
	return s.translator(r).T(msg, args...)
}

// errorMessage is the safe message of err (hub.ErrorMessage), the
// hub.Errorf messages of every package included, in r's language.
func (s *Server) errorMessage(r *http.Request, err error) string {
	return s.t(r, hub.ErrorMessage(err))
}
