package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"syscall"
)

// Under systemd, stderr goes to the journal, which stamps each line with
// the time and reads a leading <N> as the line's priority (journalctl -p
// err shows only errors). Log lines there carry the priority and no time
// of their own.

// toJournal reports whether w is the process's stderr and systemd has
// connected it to the journal (JOURNAL_STREAM names stderr's device and
// inode, as systemd.exec(5) describes).
func toJournal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	stream := getenv("JOURNAL_STREAM")
	if !ok || stream == "" {
		return false
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return stream == fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// journalHandler writes each record as one line starting with its syslog
// priority, formatted by a text handler without the time.
type journalHandler struct {
	inner slog.Handler
	out   *priorityWriter
}

// priorityWriter prefixes the next write with the priority set before it.
type priorityWriter struct {
	mu       sync.Mutex
	w        io.Writer
	priority int
}

// Write writes one log line with its journal priority prefix.
func (p *priorityWriter) Write(b []byte) (int, error) {
	if _, err := fmt.Fprintf(p.w, "<%d>%s", p.priority, b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func newJournalHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	out := &priorityWriter{w: w}
	o := *opts
	replace := o.ReplaceAttr
	o.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{} // the journal has the time
		}
		if replace != nil {
			return replace(groups, a)
		}
		return a
	}
	return &journalHandler{inner: slog.NewTextHandler(out, &o), out: out}
}

// Enabled reports whether the wrapped handler logs at level l.
func (h *journalHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

// Handle logs r through the wrapped handler, at r's priority.
func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	h.out.priority = syslogPriority(r.Level)
	return h.inner.Handle(ctx, r)
}

// WithAttrs returns the handler with attrs added to every record.
func (h *journalHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &journalHandler{inner: h.inner.WithAttrs(attrs), out: h.out}
}

// WithGroup returns the handler with later attributes in group name.
func (h *journalHandler) WithGroup(name string) slog.Handler {
	return &journalHandler{inner: h.inner.WithGroup(name), out: h.out}
}

// syslogPriority maps slog levels to syslog's: err, warning, info, debug.
func syslogPriority(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 3
	case l >= slog.LevelWarn:
		return 4
	case l >= slog.LevelInfo:
		return 6
	}
	return 7
}
