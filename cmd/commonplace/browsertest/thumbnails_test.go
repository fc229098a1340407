package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// listThumbnails: the events list shows the demo drop-in's picture small
// beside each of its dates, loaded from the hub with its description and
// laid out at its own proportions from its width and height attributes
// before it loads;
// events without a picture show no image; axe checks the list so.
func listThumbnails(t *testing.T, reader *tab, a *axeChecker, base string) {
	t.Helper()
	reader.open("/events")
	reader.private("events list with thumbnails")
	a.check(reader, "events list with thumbnails")
	type thumb struct {
		Alt     string  `json:"alt"`
		Src     string  `json:"src"`
		Natural float64 `json:"natural"`
		Ratio   float64 `json:"ratio"`
		Want    float64 `json:"want"`
	}
	type listed struct {
		Thumbs  []thumb `json:"thumbs"`
		Without int     `json:"without"`
		Broken  int     `json:"broken"`
	}
	got := get(t, reader, "read the thumbnails", chromedp.Evaluate[listed](`(async () => {
		// Their boxes are measured before they load: width and height
		// attributes give them their proportions, so nothing moves. Then
		// each is scrolled to (they load lazily) and waited for.
		const imgs = [...document.querySelectorAll('.occurrence img.thumbnail')];
		const boxes = imgs.map(i => { const r = i.getBoundingClientRect(); return r.height / r.width; });
		for (const i of imgs) {
			i.scrollIntoView();
			await Promise.race([new Promise(r => setTimeout(r, 10000)), new Promise(r => {
				if (i.complete && i.naturalWidth) return r();
				i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true});
			})]);
		}
		const thumbs = imgs.map((i, n) => ({alt: i.alt, src: i.currentSrc, natural: i.naturalWidth, ratio: boxes[n],
			want: i.getAttribute('height') / i.getAttribute('width')}));
		const occ = [...document.querySelectorAll('.occurrence')];
		return {thumbs, without: occ.filter(o => !o.querySelector('img')).length,
			broken: [...document.querySelectorAll('img')].filter(i => i.complete && i.naturalWidth === 0).length};
	})()`, chromedp.EvalAwaitPromise))
	if len(got.Thumbs) == 0 {
		t.Fatal("the events list shows no thumbnail of the drop-in's picture")
	}
	if got.Without == 0 {
		t.Error("every listed event has a picture: the list cannot show that one without shows none")
	}
	if got.Broken > 0 {
		t.Errorf("%d broken images on the events list", got.Broken)
	}
	for _, th := range got.Thumbs {
		if !strings.Contains(th.Alt, "five people") || !strings.HasPrefix(th.Src, base+"/pictures/") || th.Natural == 0 {
			t.Errorf("a thumbnail: %+v", th)
		}
		if d := th.Ratio - th.Want; d > 0.02 || d < -0.02 {
			t.Errorf("a thumbnail is drawn at %.3f, its attributes say %.3f", th.Ratio, th.Want)
		}
	}
}
