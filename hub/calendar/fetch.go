package calendar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// DefaultMaxFeedBytes bounds a feed's size: far above any community
// calendar (the 139-event Google feed in testdata is 128 KB).
const DefaultMaxFeedBytes = 10 << 20

// Fetcher downloads feeds with conditional GETs.
type Fetcher struct {
	// Client makes the requests; its Timeout bounds each one. The caller
	// supplies it so that it can refuse private addresses, for example.
	Client *http.Client
	// MaxBytes bounds a feed's size; 0 means DefaultMaxFeedBytes.
	MaxBytes int64
	// UserAgent identifies the hub to calendar servers.
	UserAgent string
}

// Fetched is a fetched feed.
type Fetched struct {
	Body []byte
	// ETag and LastModified are the validators for the next conditional GET.
	ETag, LastModified string
	// NotModified is set for a 304 answer: Body is empty.
	NotModified bool
}

// Fetch gets the feed at rawURL (webcal:// is fetched as https://), sending
// If-None-Match and If-Modified-Since when etag or lastModified are given.
// Errors are *hub.Error with a message for organisers; the cause is kept
// for the log.
func (f *Fetcher) Fetch(ctx context.Context, rawURL, etag, lastModified string) (*Fetched, error) {
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	limit := f.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxFeedBytes
	}
	target := fetchURL(rawURL)
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &hub.Error{Code: hub.EINVALID, Message: "This is not a calendar address the hub can fetch; it must start with https:// or webcal://.", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, &hub.Error{Code: hub.EINVALID, Message: "This calendar address could not be used.", Err: err}
	}
	req.Header.Set("Accept", "text/calendar, text/plain;q=0.5, */*;q=0.1")
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, &hub.Error{Code: hub.EINVALID, Message: fmt.Sprintf("Could not reach the calendar at %s: %s.", u.Host, describeNetError(err)), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return &Fetched{NotModified: true, ETag: etag, LastModified: lastModified}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("The calendar server at %s answered %s.", u.Host, resp.Status)
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusGone:
			msg += " The calendar may have been moved or made private; check its address in the partner's calendar settings."
		case http.StatusUnauthorized, http.StatusForbidden:
			msg += " The calendar is not public; ask the partner for its public (or secret) iCal address."
		}
		return nil, &hub.Error{Code: hub.EINVALID, Message: msg}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &hub.Error{Code: hub.EINVALID, Message: fmt.Sprintf("The calendar at %s could not be downloaded completely: %s.", u.Host, describeNetError(err)), Err: err}
	}
	if int64(len(body)) > limit {
		return nil, &hub.Error{Code: hub.EINVALID, Message: fmt.Sprintf("The calendar at %s is larger than %d MB, the most the hub imports. Ask the partner for a feed of upcoming events only.", u.Host, limit>>20)}
	}
	if !looksLikeCalendar(body) {
		what := "something else"
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		switch {
		case mt == "text/html" || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
			what = "a web page"
		case mt != "" && !strings.Contains(mt, "calendar"):
			what = mt
		}
		return nil, &hub.Error{Code: hub.EINVALID, Message: fmt.Sprintf("The address %s gave %s, not a calendar. Use the iCal (.ics) address from the calendar's sharing or export settings.", rawURL, what)}
	}
	return &Fetched{Body: body, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, nil
}

// looksLikeCalendar reports whether a body starts like iCalendar.
func looksLikeCalendar(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, utf8BOM), " \t\r\n")
	return len(b) >= 15 && strings.EqualFold(string(b[:15]), "BEGIN:VCALENDAR")
}

// describeNetError names a network failure in words.
func describeNetError(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "it took too long to answer"
	case errors.As(err, &dnsErr):
		return "no such host"
	case strings.Contains(err.Error(), "private, loopback or link-local"):
		// The hub's client (federation.NewHTTPClient) refused the address.
		return "its address is on this machine or a private network, which the hub does not fetch from"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "the connection was refused"
	case strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), "tls:"):
		return "its secure connection (TLS certificate) is not valid"
	}
	return "the connection failed"
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
