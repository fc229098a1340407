package hub

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Front ends map them to HTTP statuses and exit codes; the
// message that goes with a code is always safe to show to a user. The API
// answers them as they are, and docs/API.md lists each (a test reads the
// docs and checks every code the API can answer is there).
const (
	EINVALID      = "EINVALID"      // input failed validation; see Error.Fields
	ENOTFOUND     = "ENOTFOUND"     // the thing asked for does not exist
	ECONFLICT     = "ECONFLICT"     // the change clashes with existing data
	EUNAUTHORIZED = "EUNAUTHORIZED" // no valid login or token
	EFORBIDDEN    = "EFORBIDDEN"    // logged in, but the role does not allow it
	ETOOMANY      = "ETOOMANY"      // rate limited
	EINTERNAL     = "EINTERNAL"     // a bug or an infrastructure failure
	EUNAVAILABLE  = "EUNAVAILABLE"  // the hub cannot save now (disk full, read-only); nothing was changed
)

// Error is the application error. Code and Message are for users; Fields maps
// form field names to what is wrong with each; Err is the cause, for logs only.
// Message and Fields are in English; Format and Args (the message before
// formatting) and FieldTexts (the fields' messages likewise) let a front
// end look them up in its catalog and show them in the reader's language.
// An argument of type Message is itself a message to translate.
type Error struct {
	Code       string
	Message    string
	Fields     map[string]string
	Err        error
	Format     string
	Args       []any
	FieldTexts map[string]Text
}

// Message is a message shown to people, as written in English: its ID in
// the catalogs (package locales). An argument of an Error that is a
// Message is translated with it.
type Message string

// Msg marks s as a message, so the catalog extractor (internal/i18n)
// finds it.
func Msg(s string) Message { return Message(s) }

// Text is a message and its arguments, before formatting.
type Text struct {
	Format string
	Args   []any
}

// String is the English text.
func (t Text) String() string {
	if len(t.Args) == 0 {
		return t.Format
	}
	return fmt.Sprintf(t.Format, t.Args...)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	b.WriteString(": ")
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted user message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Internal wraps an unexpected failure. Users see a generic message; the
// cause is kept for the log.
func Internal(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	format := string(Msg("Something went wrong on the server while %s."))
	return &Error{Code: EINTERNAL, Message: fmt.Sprintf(format, what), Format: format, Args: []any{Message(what)}, Err: err}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not
// *Error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return string(Msg("Something went wrong on the server."))
}

// ErrorFields returns the per-field messages of a validation error, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// fieldErrors collects per-field validation messages.
type fieldErrors map[string]Text

// add records msg for field, unless the field already has a message.
func (f fieldErrors) add(field, msg string) { f.addf(field, msg) }

// addf records a message with arguments for field.
func (f fieldErrors) addf(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Text{Format: format, Args: args}
	}
}

// err returns an EINVALID *Error when any field failed, else nil; what
// names the thing being saved ("event"), a message itself.
func (f fieldErrors) err(what string) error {
	if len(f) == 0 {
		return nil
	}
	format := string(Msg("Please correct the highlighted field and save the %s again."))
	if len(f) > 1 {
		format = string(Msg("Please correct the highlighted fields and save the %s again."))
	}
	fields := make(map[string]string, len(f))
	for k, t := range f {
		fields[k] = t.String()
	}
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, what), Format: format, Args: []any{Message(what)}, Fields: fields, FieldTexts: map[string]Text(f)}
}

// fieldTexts returns a copy of the per-field messages of a validation
// error, before formatting.
func fieldTexts(err error) map[string]Text {
	var e *Error
	if !errors.As(err, &e) {
		return map[string]Text{}
	}
	out := make(map[string]Text, len(e.Fields))
	for k, v := range e.Fields {
		out[k] = Text{Format: v}
	}
	for k, v := range e.FieldTexts {
		out[k] = v
	}
	return out
}
