// Command extract rewrites locales/en.toml from the messages in the code:
// run it from the module's root (go run ./internal/i18n/extract) after
// adding or changing a message. TestEnglishCatalog fails until it has run.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/commonplace-hub/commonplace/internal/i18n"
)

func main() {
	msgs, err := i18n.Extract(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
	var b bytes.Buffer
	if err := i18n.WriteEnglish(&b, msgs); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("locales/en.toml", b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
	fmt.Printf("locales/en.toml: %d messages\n", len(msgs))
}
