// Package themes holds the hub's page templates and static files, embedded
// in the binary. Each theme is a directory with templates/ (layout.html,
// partials/*.html, public/*.html, admin/*.html) and static/.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed default
var embedded embed.FS

// Default returns the default theme's files.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err) // the directory is embedded above; this cannot fail
	}
	return sub
}
