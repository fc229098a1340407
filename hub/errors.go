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
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error
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
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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
	return &Error{Code: EINTERNAL, Message: "Something went wrong on the server while " + what + ".", Err: err}
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
	return "Something went wrong on the server."
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
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// err returns an EINVALID *Error when any field failed, else nil.
func (f fieldErrors) err(what string) error {
	if len(f) == 0 {
		return nil
	}
	msg := "Please correct the highlighted field"
	if len(f) > 1 {
		msg += "s"
	}
	return &Error{Code: EINVALID, Message: msg + " and save the " + what + " again.", Fields: map[string]string(f)}
}
