package ical

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"
)

// maxLineOctets is RFC 5545's limit on a content line, excluding CRLF.
const maxLineOctets = 75

// foldingWriter folds the CRLF-terminated content lines written to it so
// that no line is longer than 75 octets (RFC 5545 section 3.1): a long line
// continues on lines that start with one space. It breaks only between
// UTF-8 characters, never inside one, so every physical line is valid
// UTF-8 (Outlook and some Android apps show a broken character otherwise).
// go-ical writes whole lines unfolded; its maintainer declined folding
// (emersion/go-ical#18), so it is done here.
type foldingWriter struct {
	w    *bufio.Writer
	line []byte // the current, unfinished line
	err  error
}

func newFoldingWriter(w io.Writer) *foldingWriter {
	return &foldingWriter{w: bufio.NewWriter(w)}
}

func (f *foldingWriter) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			f.line = append(f.line, p...)
			break
		}
		f.line = append(f.line, p[:i+1]...)
		p = p[i+1:]
		l := bytes.TrimSuffix(bytes.TrimSuffix(f.line, []byte("\n")), []byte("\r"))
		f.writeLine(l)
		f.line = f.line[:0]
	}
	return n, f.err
}

// writeLine writes one logical line, folded, with CRLF.
func (f *foldingWriter) writeLine(l []byte) {
	limit := maxLineOctets
	for len(l) > limit {
		cut := limit
		// Step back to the start of a character (at most 3 bytes for
		// valid UTF-8; invalid bytes are cut anywhere).
		for back := 0; back < utf8.UTFMax && cut > 0 && !utf8.RuneStart(l[cut]); back++ {
			cut--
		}
		if cut == 0 || !utf8.RuneStart(l[cut]) {
			cut = limit
		}
		f.write(l[:cut])
		f.write([]byte("\r\n "))
		l = l[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	f.write(l)
	f.write([]byte("\r\n"))
}

func (f *foldingWriter) write(b []byte) {
	if f.err == nil {
		_, f.err = f.w.Write(b)
	}
}

// Flush writes an unfinished last line, if any, and flushes.
func (f *foldingWriter) Flush() error {
	if len(f.line) > 0 {
		f.writeLine(f.line)
		f.line = f.line[:0]
	}
	if f.err != nil {
		return f.err
	}
	return f.w.Flush()
}
