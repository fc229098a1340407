// Package qrsvg draws QR codes as inline SVG, for printed posters: the
// symbol is encoded by github.com/skip2/go-qrcode, and drawn here as one
// path of dark modules, so the page needs no image file and no script. A
// leaf: it imports nothing of the module.
package qrsvg

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Matrix returns the QR code of content (error correction level M, with
// the standard four-module quiet zone) as rows of modules, true for dark.
func Matrix(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return q.Bitmap(), nil
}

// SVG returns content's QR code as an <svg> element, one unit a module,
// scaling to its container; label is its accessible name (role="img").
func SVG(content, label string) (template.HTML, error) {
	m, err := Matrix(content)
	if err != nil {
		return "", err
	}
	return template.HTML(Draw(m, label)), nil
}

// Draw draws a matrix of modules as an <svg> element: a white square and
// one black path in which each run of dark modules in a row is a
// rectangle "M{x} {y}h{n}v1h-{n}z".
func Draw(m [][]bool, label string) string {
	n := len(m)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		n, n, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range m {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 0
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
