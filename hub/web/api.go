package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// The organiser API: JSON over HTTP with bearer tokens. docs/API.md
// describes every endpoint; keep the two in step.

// apiError is an error that is not a hub error: bad JSON, wrong method.
type apiError struct {
	status int
	code   string
	msg    string
	fields map[string]string
}

func (e *apiError) Error() string { return e.msg }

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// api adapts h for JSON: errors become {"error": {...}} with a status.
func (s *Server) api(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.apiFail(w, r, err)
		}
	}
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var body errorBody
	var ae *apiError
	status := statusOf(err)
	switch {
	case errors.As(err, &ae):
		status = ae.status
		body.Error.Code, body.Error.Message, body.Error.Fields = ae.code, s.t(r, ae.msg), s.fieldMessages(r, ae.fields)
	case status == http.StatusRequestEntityTooLarge:
		body.Error.Code, body.Error.Message = "ETOOLARGE", s.t(r, "The request body is too large.")
	default:
		body.Error.Code, body.Error.Message, body.Error.Fields = hub.ErrorCode(err), s.errorMessage(r, err), s.errorFields(r, err)
	}
	if status >= 500 {
		s.log.Error("api request failed", slog.Group("request", "method", r.Method, "path", r.URL.Path), "error", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="commonplace"`)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readIDAndJSON reads the path's {id} (ENOTFOUND when it is not one)
// and then the JSON body into v.
func readIDAndJSON(r *http.Request, v any) (int64, error) {
	id, err := idParam(r)
	if err != nil {
		return 0, err
	}
	return id, readJSON(r, v)
}

// readJSON decodes a JSON body strictly: unknown fields and trailing data
// are errors, so typos do not silently lose data.
func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return &apiError{status: http.StatusUnsupportedMediaType, code: "EMEDIATYPE", msg: msg("Send JSON with Content-Type: application/json.")}
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return &apiError{status: http.StatusBadRequest, code: hub.EINVALID, msg: msg("The request body is empty; send a JSON object.")}
		}
		return &apiError{status: http.StatusBadRequest, code: hub.EINVALID, msg: "The request body is not valid JSON: " + err.Error()}
	}
	if dec.More() {
		return &apiError{status: http.StatusBadRequest, code: hub.EINVALID, msg: msg("Send one JSON object, with nothing after it.")}
	}
	return nil
}

// requireToken authenticates API requests by bearer token.
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			s.apiFail(w, r, hub.Errorf(hub.EUNAUTHORIZED, "Send an API token as 'Authorization: Bearer cp_...'. Organisers create tokens under API tokens in the organiser pages, or with 'commonplace token create'."))
			return
		}
		o, err := s.svc.OrganiserByToken(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(hub.WithOrganiser(r.Context(), o)))
	})
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string, def, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, &apiError{status: http.StatusBadRequest, code: hub.EINVALID, msg: name + " must be a whole number.", fields: map[string]string{name: msg("Use a whole number.")}}
	}
	if n > max {
		n = max
	}
	return n, nil
}

// queryTime reads an optional date (YYYY-MM-DD, in loc) or RFC 3339 time.
func queryTime(r *http.Request, name string, loc *time.Location) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, &apiError{status: http.StatusBadRequest, code: hub.EINVALID, msg: name + " must be a date (2026-12-01) or an RFC 3339 time.", fields: map[string]string{name: msg("Use 2026-12-01 or 2026-12-01T19:00:00Z.")}}
}

// apiGetByID answers GET .../{id}: the item load finds, as out shows it.
func apiGetByID[T, J any](w http.ResponseWriter, r *http.Request, load func(context.Context, int64) (T, error), out func(T) J) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return apiShow(r.Context(), w, id, load, out)
}

// apiDeleteByID answers DELETE .../{id}: 204 No Content once del has
// removed the item.
func apiDeleteByID(w http.ResponseWriter, r *http.Request, del func(context.Context, int64) error) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return noContent(w, del(r.Context(), id))
}

// noContent answers 204 No Content when err is nil; otherwise err.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pageQuery reads the limit (50 unless given, at most 500) and offset of a
// list.
func pageQuery(r *http.Request) (limit, offset int, err error) {
	if limit, err = queryInt(r, "limit", 50, 500); err != nil {
		return 0, 0, err
	}
	if offset, err = queryInt(r, "offset", 0, 1<<30); err != nil {
		return 0, 0, err
	}
	return limit, offset, nil
}

// apiPaged answers GET on a paged collection: the page load finds from
// the query's offset, at most its limit (pageQuery), as out shows them,
// and how many there are in all.
func apiPaged[T, J any](w http.ResponseWriter, r *http.Request, load func(ctx context.Context, limit, offset int) ([]T, int, error), out func(T) J) error {
	limit, offset, err := pageQuery(r)
	if err != nil {
		return err
	}
	items, total, err := load(r.Context(), limit, offset)
	if err != nil {
		return err
	}
	return writeList(w, items, total, out)
}

// writeList answers a list: the items as out shows them, and the total
// there are (more than items when the list is a page of it).
func writeList[T, J any](w http.ResponseWriter, items []T, total int, out func(T) J) error {
	return writeJSON(w, http.StatusOK, apijson.NewList(items, total, out))
}

// apiListAll answers GET on a collection that is never paged: every item
// list finds, as out shows them.
func apiListAll[T, J any](w http.ResponseWriter, r *http.Request, list func(context.Context) ([]T, error), out func(T) J) error {
	items, err := list(r.Context())
	if err != nil {
		return err
	}
	return writeList(w, items, len(items), out)
}

// apiCreate answers POST on a collection: the body read as J, made into
// an item and stored by create, which returns the item to show; 201 with
// the item's address, location, and the item as out shows it.
func apiCreate[J, T, O any](w http.ResponseWriter, r *http.Request, create func(context.Context, *J) (T, error), out func(T) O, location func(T) string) error {
	var in J
	if err := readJSON(r, &in); err != nil {
		return err
	}
	v, err := create(r.Context(), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", location(v))
	return writeJSON(w, http.StatusCreated, out(v))
}

// apiUpdate answers PUT .../{id}: the body read as J and stored by update
// as the item id; the item then as load finds it and out shows it.
func apiUpdate[J, T, O any](w http.ResponseWriter, r *http.Request, update func(context.Context, int64, *J) error, load func(context.Context, int64) (T, error), out func(T) O) error {
	var in J
	id, err := readIDAndJSON(r, &in)
	if err != nil {
		return err
	}
	if err := update(r.Context(), id, &in); err != nil {
		return err
	}
	return apiShow(r.Context(), w, id, load, out)
}

// apiShow answers 200 with the item id as load finds it and out shows it.
func apiShow[T, O any](ctx context.Context, w http.ResponseWriter, id int64, load func(context.Context, int64) (T, error), out func(T) O) error {
	v, err := load(ctx, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out(v))
}

// enc encodes items as the API shows them, with links under the hub's
// public URL.
func (s *Server) enc() apijson.Encoder { return apijson.Encoder{Base: s.base.String()} }
