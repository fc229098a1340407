package browsertest

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// cancelReason is what the organiser tells readers when cancelling a date.
const cancelReason = "Room flooded"

// cancelDate has the organiser, on the event's status page (reached from
// the edit page's link), cancel the occurrence of date with cancelReason;
// axe checks the status page before and after.
func cancelDate(org *tab, a *axeChecker, date string) {
	t := org.t
	t.Helper()
	edit := get(t, org, "the event's edit link", chromedp.Evaluate[string](`[...document.querySelectorAll('main tr')]
		.find(tr => tr.querySelector('td a')?.textContent.trim() === `+jsString(eventTitle)+`)
		?.querySelector('a[href$="/edit"]')?.getAttribute('href') ?? ''`))
	if edit == "" {
		t.Fatalf("the organiser's event list has no edit link for %q", eventTitle)
	}
	org.open(edit)
	status := get(t, org, "the status link", chromedp.Evaluate[string](`document.querySelector('main a[href$="/status"]')?.getAttribute('href') ?? ''`))
	if status == "" {
		t.Fatal("the edit page has no link to cancel or postpone the event")
	}
	org.open(status)
	a.check(org, "event status page")
	org.do("cancel one date",
		chromedp.Click(chromedp.CSS("#status-cancelled")),
		chromedp.Click(chromedp.CSS("#scope-date")),
		chromedp.SetValue(chromedp.CSS("#f-date"), date),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), cancelReason),
		chromedp.Click(chromedp.CSS(`button[value="mark"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	org.pageOK("event status page after cancelling")
	marks := get(t, org, "marks listed", chromedp.Text(chromedp.CSS(".status-marks")))
	if !strings.Contains(marks, date) || !strings.Contains(marks, cancelReason) {
		t.Errorf("the status page lists %q, want %s cancelled: %s", marks, date, cancelReason)
	}
	a.check(org, "event status page with a cancelled date")
}

// cancelledShown checks that the page the reader's tab shows says the
// date is cancelled, with the reason, in words.
func cancelledShown(reader *tab, where string) {
	t := reader.t
	t.Helper()
	said := get(t, reader, "status on "+where, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main .status')].map(e => e.textContent.trim())`))
	for _, s := range said {
		if s == "Cancelled: "+cancelReason {
			return
		}
	}
	t.Errorf("the %s does not say %q; it says %q", where, "Cancelled: "+cancelReason, said)
}
