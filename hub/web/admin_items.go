package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
)

// The organiser pages that every kind of item has beyond its list: the
// editor (new, create, edit, update) and deleting (confirm, delete). Each
// kind says what differs in an itemEditor (events, guides, case studies,
// places) or an itemDeleter (topics, which have their own editor); the
// flow, its statuses and its messages are the same for all.

// validated is an item the hub can check before saving it.
type validated interface {
	Validate() error
}

// itemDeleter is the delete-confirm page and the delete of one kind of item.
type itemDeleter[T any] struct {
	s       *Server
	base    string // the list's path ("/admin/guides"), where the pages go back to
	kind    string // what the confirm page calls one ("guide"), a message
	deleted string // the flash after deleting, a format taking the item's name

	find   func(*http.Request) (int64, T, error) // the item named in the path
	remove func(context.Context, int64) error
	name   func(T) string
	// consequence, when set, is the confirm page's warning, translated.
	consequence func(*http.Request, T) string
}

// byID is itemDeleter.find for items named by {id} in the path.
func byID[T any](load func(context.Context, int64) (T, error)) func(*http.Request) (int64, T, error) {
	return func(r *http.Request) (int64, T, error) { return itemByID(r, load) }
}

func (d *itemDeleter[T]) deleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, v, err := d.find(r)
	if err != nil {
		return err
	}
	dv := deleteView{Kind: d.kind, Name: d.name(v), Action: r.URL.Path, Back: d.base}
	if d.consequence != nil {
		dv.Consequence = d.consequence(r, v)
	}
	return d.s.confirmDelete(w, r, dv)
}

func (d *itemDeleter[T]) delete(w http.ResponseWriter, r *http.Request) error {
	id, v, err := d.find(r)
	if err != nil {
		return err
	}
	if err := d.remove(r.Context(), id); err != nil {
		return err
	}
	d.s.redirectWithFlash(w, r, d.base, d.s.t(r, d.deleted, d.name(v)))
	return nil
}

// itemEditor is the editor of one kind of item, kept by form F: a blank
// form at base/new, the item's at base/{id}/edit; posting either previews
// the Markdown or saves, and a failed save shows the form again as typed.
type itemEditor[T validated, F any] struct {
	itemDeleter[T]
	view                string // the editor's template
	newTitle, editTitle string // page titles, messages
	saved               string // the flash after saving, a format taking the item's name
	published           string // the flash after creating, when it differs from saved

	blank   func(*http.Request) F             // the new form; nil: the zero F
	read    func(*http.Request) F             // the posted form
	form    func(T) F                         // the form showing an item
	convert func(F, translator, formErrors) T // the item a form gives; what cannot be parsed goes in errs, translated
	// store creates (id 0) or updates the item.
	store   func(ctx context.Context, id int64, v T, f F) error
	preview func(F) map[string]string // the Markdown the preview shows, by field

	// Optional: more for the editor (places, zones) and, on the edit
	// page, what the item adds (its public page).
	extend  func(*http.Request, *formView) error
	editing func(T, *formView)
	// picture, when set, is what the kind's pictures belong to: the
	// editor then takes a picture with the form, and idOf names the
	// saved item it goes with.
	picture hub.PictureOwner
	idOf    func(T) int64
}

// crud is e's pages for the route table.
func (e *itemEditor[T, F]) crud() adminCRUD {
	return adminCRUD{e.new, e.create, e.edit, e.update, e.deleteConfirm, e.delete}
}

func (e *itemEditor[T, F]) action(id int64) string {
	if id == 0 {
		return e.base + "/new"
	}
	return e.base + "/" + strconv.FormatInt(id, 10) + "/edit"
}

func (e *itemEditor[T, F]) formView(r *http.Request, f F, id int64) (formView, error) {
	fv := formView{Form: f, ID: id, Action: e.action(id)}
	if e.picture != "" {
		fv.Picture = e.s.editorPicture(r, e.picture, id, nil)
	}
	if e.extend != nil {
		if err := e.extend(r, &fv); err != nil {
			return formView{}, err
		}
	}
	return fv, nil
}

func (e *itemEditor[T, F]) new(w http.ResponseWriter, r *http.Request) error {
	var f F
	if e.blank != nil {
		f = e.blank(r)
	}
	fv, err := e.formView(r, f, 0)
	if err != nil {
		return err
	}
	return e.s.renderForm(w, r, http.StatusOK, e.view, e.newTitle, fv)
}

func (e *itemEditor[T, F]) create(w http.ResponseWriter, r *http.Request) error {
	return e.save(w, r, 0)
}

func (e *itemEditor[T, F]) edit(w http.ResponseWriter, r *http.Request) error {
	id, v, err := e.find(r)
	if err != nil {
		return err
	}
	fv, err := e.formView(r, e.form(v), id)
	if err != nil {
		return err
	}
	if e.editing != nil {
		e.editing(v, &fv)
	}
	return e.s.renderForm(w, r, http.StatusOK, e.view, e.editTitle, fv)
}

func (e *itemEditor[T, F]) update(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return e.save(w, r, id)
}

// save creates (id 0) or updates an item from the posted form.
func (e *itemEditor[T, F]) save(w http.ResponseWriter, r *http.Request, id int64) error {
	f := e.read(r)
	title := e.newTitle
	if id != 0 {
		title = e.editTitle
	}
	fv, err := e.formView(r, f, id)
	if err != nil {
		return err
	}
	fv.Errors = formErrors{}
	var pic pictureInput
	if e.picture != "" {
		// A preview only shows the text: the file is not processed.
		pic = e.s.readPictureInput(r, fv.Errors, !isPreview(r))
		if err := e.s.svc.CheckPictureBudget(r.Context(), e.picture, id, pic.upload); err != nil && !fv.Errors.merge(e.s.translator(r), err) {
			return err
		}
		fv.Picture = e.s.editorPicture(r, e.picture, id, &pic)
	}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{}
		for field, text := range e.preview(f) {
			fv.Preview[field] = e.s.md.render(text)
		}
		return e.s.renderForm(w, r, http.StatusOK, e.view, title, fv)
	}
	v := e.convert(f, e.s.translator(r), fv.Errors)
	if len(fv.Errors) > 0 {
		// Report the hub's checks too, so every problem shows at once.
		if err := v.Validate(); err != nil {
			fv.Errors.merge(e.s.translator(r), err)
		}
		return e.s.renderForm(w, r, http.StatusUnprocessableEntity, e.view, title, fv)
	}
	if err := e.store(r.Context(), id, v, f); err != nil {
		return e.s.failedForm(w, r, err, e.view, title, fv)
	}
	if e.picture != "" {
		if err := e.s.savePicture(r.Context(), e.picture, e.idOf(v), pic); err != nil {
			return err
		}
	}
	msg := e.saved
	if id == 0 && e.published != "" {
		msg = e.published
	}
	e.s.redirectWithFlash(w, r, e.base, e.s.t(r, msg, e.name(v)))
	return nil
}

// adminList is an organiser page listing every item of a kind; title is a
// message.
func adminList[T any](s *Server, view, title string, list func(context.Context) ([]T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		items, err := list(r.Context())
		if err != nil {
			return err
		}
		return s.adminPage(w, r, view, s.t(r, title), items)
	}
}

// adminListData is what an organisers' list page shows: one page of items
// of one kind, the search that narrowed them, and the pager.
type adminListData[T any] struct {
	Items []T
	Query string
	Pager pager
}

// adminSearchList is the organisers' list of one kind of item, a page at
// a time, narrowed by the search in ?q=.
func adminSearchList[T any](s *Server, w http.ResponseWriter, r *http.Request, view, title string, list func(ctx context.Context, q string, limit, offset int) ([]T, int, error)) error {
	q := r.URL.Query().Get("q")
	items, pg, err := paged(r, func(ctx context.Context, limit, offset int) ([]T, int, error) {
		return list(ctx, q, limit, offset)
	})
	if err != nil {
		return err
	}
	return s.adminPage(w, r, view, s.t(r, title), adminListData[T]{Items: items, Query: q, Pager: pg})
}
