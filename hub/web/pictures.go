package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// maxPictureBody is the most a form or API request carrying a picture may
// send: room for a file well over hub.MaxPictureBytes, so that one a
// little too large is refused with the rest of the form kept and a
// message saying why, rather than the whole request.
const maxPictureBody = 3 * hub.MaxPictureBytes

// maxFormMemory is how much of a multipart form is kept in memory; files
// beyond it wait in temporary files, which the server removes.
const maxFormMemory = 2 << 20

// isPictureUpload reports whether r is an organiser's multipart form or
// API request, which may carry a picture, or an API request whose body is
// a picture.
func isPictureUpload(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/v1/") && r.Method == http.MethodPut && (strings.HasSuffix(p, "/picture") || p == "/api/v1/settings/header") {
		return true // the file itself as the body
	}
	return (strings.HasPrefix(p, "/admin/") || strings.HasPrefix(p, "/api/v1/")) &&
		strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// pictureRoutes serves pictures. Access: anyone. Mounted outside the
// pages' middleware: pictureFile sets every header securityHeaders would.
func (s *Server) pictureRoutes(r chi.Router) {
	r.Get(uris.Pictures+"/{id}/{file}", s.pictureFile)
	r.Head(uris.Pictures+"/{id}/{file}", s.pictureFile)
}

// headerField is one response header, its value slice shared between
// answers (length equal to capacity, so an Add elsewhere copies first).
type headerField struct {
	key   string
	value []string
}

// servedPicture is one derivative of a picture ready to send, its headers
// built once: header is what every answer carries (the readers' pages'
// security headers, then the picture's own: type, nosniff, cached for
// good, ETag, a sandboxing CSP), plain adds what http.ServeContent sets
// on a whole 200 (Last-Modified, Accept-Ranges, Content-Length).
type servedPicture struct {
	p             *hub.Picture
	data          []byte
	header, plain []headerField
}

func newServedPicture(p *hub.Picture, size hub.PictureSize) *servedPicture {
	sp := &servedPicture{p: p, data: p.Large}
	if size == hub.SizeSmall {
		sp.data = p.Small
	}
	set := http.Header{}
	for k, v := range publicPageHeaders {
		set[k] = v
	}
	set.Set("Content-Type", p.MIME)
	set.Set("X-Content-Type-Options", "nosniff")
	set.Set("Cache-Control", "public, max-age=31536000, immutable")
	set.Set("ETag", `"`+p.Hash[:32]+"-"+string(size)+`"`)
	set.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	for k, v := range set {
		sp.header = append(sp.header, headerField{k, v})
	}
	sp.plain = append(sp.plain, sp.header...)
	if !p.CreatedAt.IsZero() && !p.CreatedAt.Equal(time.Unix(0, 0)) { // as ServeContent
		sp.plain = append(sp.plain, headerField{"Last-Modified", []string{p.CreatedAt.UTC().Format(http.TimeFormat)}})
	}
	sp.plain = append(sp.plain, headerField{"Accept-Ranges", []string{"bytes"}},
		headerField{"Content-Length", []string{strconv.Itoa(len(sp.data))}})
	return sp
}

// conditionalHeaders are the request headers after which http.ServeContent
// may answer other than a whole 200 (304, 412, 206, 416); If-Range only
// counts with Range.
var conditionalHeaders = []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "Range"}

// pictureFile serves one derivative of a picture at its stable address
// (uris.Picture), cached for good: an address whose hash or type is not
// the picture's is not found (the error page, with the pages' headers).
// A plain GET or HEAD, what nearly every request is, gets the prepared
// headers and bytes as they are; one with a conditional or Range header
// goes through http.ServeContent, with the same headers.
func (s *Server) pictureFile(w http.ResponseWriter, r *http.Request) {
	sp, err := s.pictureFor(r)
	if err != nil {
		h := w.Header()
		for k, v := range publicPageHeaders {
			h[k] = v
		}
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	for _, k := range conditionalHeaders {
		if _, ok := r.Header[k]; ok {
			for _, f := range sp.header {
				h[f.key] = f.value
			}
			http.ServeContent(w, r, "", sp.p.CreatedAt, bytes.NewReader(sp.data))
			return
		}
	}
	for _, f := range sp.plain {
		h[f.key] = f.value
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(sp.data)
	}
}

// pictureFor is the derivative the request's address names.
func (s *Server) pictureFor(r *http.Request) (*servedPicture, error) {
	notFound := hub.Errorf(hub.ENOTFOUND, "There is no page at this address.")
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, notFound
	}
	name, ext, _ := strings.Cut(chi.URLParam(r, "file"), ".")
	hash, size, _ := strings.Cut(name, "-")
	sp, err := s.pictureData(r, id, hub.PictureSize(size))
	if err != nil {
		return nil, err
	}
	if len(hash) != 16 || !strings.HasPrefix(sp.p.Hash, hash) || ext != sp.p.Ext() {
		return nil, notFound
	}
	return sp, nil
}

// shownPicture is a picture as pages show it: its two sizes, its size in
// pixels (so nothing moves when it loads) and its description.
type shownPicture struct {
	Large, Small            string // paths
	LargeAbs                string // absolute URL, for og:image
	Width, Height           int
	SmallWidth, SmallHeight int
	Alt                     string
	MIME                    string
}

func (s *Server) showPicture(p *hub.Picture) *shownPicture {
	sp := pictureShown(p)
	if sp != nil {
		sp.LargeAbs = s.absURL(sp.Large)
	}
	return sp
}

// pictureShown is showPicture without the absolute URL (lists' thumbnails,
// the template function "picture").
func pictureShown(p *hub.Picture) *shownPicture {
	if p == nil {
		return nil
	}
	return &shownPicture{
		Large: uris.Picture(p, hub.SizeLarge), Small: uris.Picture(p, hub.SizeSmall),
		Width: p.Width, Height: p.Height, SmallWidth: p.SmallWidth, SmallHeight: p.SmallHeight, Alt: p.Alt, MIME: p.MIME,
	}
}

// localPicture is the hub's copy of a commons item's picture, nil when
// there is none yet: pages show only that, never the peer's address.
func localPicture(rp *hub.RemotePicture) *shownPicture {
	if rp == nil {
		return nil
	}
	return pictureShown(rp.Local)
}

// withPicture puts an item's or place's picture on its page: shown in the
// page, in og:image and twitter:image, and as the schema.org image.
func (s *Server) withPicture(p *pageData, r *http.Request, owner hub.PictureOwner, id int64) {
	pic, err := s.svc.Picture(r.Context(), owner, id)
	if err != nil {
		if hub.ErrorCode(err) != hub.ENOTFOUND {
			s.log.Warn("reading a picture failed", "owner", string(owner), "owner_id", id, "error", err)
		}
		return
	}
	p.Picture = s.showPicture(pic)
	if ld, ok := p.JSONLD.(map[string]any); ok {
		ld["image"] = map[string]any{"@type": "ImageObject", "url": p.Picture.LargeAbs,
			"width": pic.Width, "height": pic.Height, "caption": pic.Alt}
	}
}

// pictureInput is the picture part of an item's form: a new file with its
// description and focal point, or the wish to remove the current one.
type pictureInput struct {
	upload *hub.PictureUpload // nil: no new file
	remove bool
	alt    string // as typed, kept when the form comes back
	focus  string
}

// readPictureInput reads the picture fields of a multipart form and, when
// prepare is set, prepares a new file (hub.PictureUpload.Prepare). What
// is wrong goes in errs, translated, beside the picture's fields.
func (s *Server) readPictureInput(r *http.Request, errs formErrors, prepare bool) pictureInput {
	in := pictureInput{alt: r.PostFormValue("image_alt"), focus: r.PostFormValue("image_focus"), remove: r.PostFormValue("image_remove") != ""}
	if !prepare {
		return in
	}
	data, err := formFile(r, "image")
	if err != nil {
		errs.merge(s.translator(r), err)
		return in
	}
	if data == nil {
		return in
	}
	up := &hub.PictureUpload{Data: data, Alt: in.alt}
	if up.FocusX, up.FocusY, err = hub.ParseFocus(in.focus); err != nil {
		errs["image_focus"] = s.errorMessage(r, err)
	}
	if err := up.Prepare(); err != nil {
		errs.merge(s.translator(r), err)
		return in
	}
	in.upload = up
	return in
}

// formFile reads an uploaded file of a multipart form, at most a little
// over hub.MaxPictureBytes (more is refused by the hub with its message);
// nil when no file was chosen.
func formFile(r *http.Request, field string) ([]byte, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	f, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, hub.Errorf(hub.EINVALID, "The form could not be read. Please try again.")
	}
	defer f.Close()
	if hdr.Size == 0 {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(f, hub.MaxPictureBytes+1))
}

// savePicture applies the picture part of a saved item's form.
func (s *Server) savePicture(ctx context.Context, owner hub.PictureOwner, id int64, in pictureInput) error {
	switch {
	case in.upload != nil:
		_, err := s.svc.SetPicture(ctx, owner, id, *in.upload)
		return err
	case in.remove:
		if err := s.svc.RemovePicture(ctx, owner, id); err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
			return err
		}
	case strings.TrimSpace(in.alt) != "":
		// A new description of the picture the item has (a blank one
		// leaves it as it is).
		cur, err := s.svc.Picture(ctx, owner, id)
		if err != nil || cur.Alt == strings.TrimSpace(in.alt) {
			return nil
		}
		return s.svc.DescribePicture(ctx, cur.ID, in.alt)
	}
	return nil
}

// pictureForm is what the editor shows of an item's picture.
type pictureForm struct {
	Current *shownPicture // the saved picture, nil for none
	Alt     string        // the description field's value
	Focus   string
	// Lost is set when a file was sent with a form that came back with
	// errors: browsers cannot keep a chosen file, so it must be chosen again.
	Lost bool
	// Space is the disk space all the hub's pictures take, and may take,
	// on the settings page; nil elsewhere.
	Space *pictureSpace
}

// editorPicture fills the editor's picture part for an item (id 0: new).
func (s *Server) editorPicture(r *http.Request, owner hub.PictureOwner, id int64, in *pictureInput) *pictureForm {
	pf := &pictureForm{}
	if id != 0 {
		if p, err := s.svc.Picture(r.Context(), owner, id); err == nil {
			pf.Current = s.showPicture(p)
			pf.Alt = p.Alt
		}
	}
	if in != nil {
		pf.Alt, pf.Focus = in.alt, in.focus
		pf.Lost = in.upload != nil || r.MultipartForm != nil && len(r.MultipartForm.File["image"]) > 0
	}
	return pf
}

// eventImages reads the pictures of a feed's events at once, for the
// calendar's IMAGE properties.
func (s *Server) eventImages(r *http.Request, events []*hub.Event) func(*hub.Event) (string, string) {
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	pics, err := s.svc.PicturesOf(r.Context(), hub.OwnerEvent, ids)
	if err != nil {
		s.log.Warn("reading the pictures of a calendar's events", "error", err)
	}
	return func(e *hub.Event) (string, string) {
		if p := pics[e.ID]; p != nil {
			return s.absURL(uris.Picture(p, hub.SizeLarge)), p.MIME
		}
		return "", ""
	}
}
