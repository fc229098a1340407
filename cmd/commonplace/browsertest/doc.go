// Package browsertest drives a real commonplace process with headless
// Chromium (Debian's chromium package) through chromedp, as people would use
// it: an organiser logs in and creates a weekly event at a new place, a
// reader finds its dates, the event and the place, and axe-core checks every
// public page type and the organiser's forms for WCAG 2.2 A/AA problems.
//
// The package has only tests. It needs Chromium (at /usr/bin/chromium, or
// set CHROMIUM_PATH) and axe-core, installed by `make test-deps` (npm ci in
// testdata/npm). Without them the test skips, except under CI, where it
// fails.
package browsertest
