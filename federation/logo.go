package federation

import (
	"context"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// logoReader is what federation reads of the hub's logo; the hub.Reader
// it is given (Config.Content) is one.
type logoReader interface {
	Logo(ctx context.Context) (*hub.Logo, error)
}

// logoIcon is the actor's icon: the hub's logo, uploaded or generated from
// its initials (hub.GeneratedLogo), so a hub never shows as a blank
// avatar. Its URL carries a version of the picture: Mastodon fetches an
// avatar again only when the icon's url changes. Content that cannot say
// (a test's) gets the uploaded logo's address, or no icon without one.
func (f *Federation) logoIcon(ctx context.Context, st hub.Settings) map[string]any {
	url := uris.Base(f.baseStr).Abs(uris.Logo)
	lr, ok := f.content.(logoReader)
	if !ok {
		if st.LogoType == "" {
			return nil
		}
		return map[string]any{"type": "Image", "mediaType": st.LogoType, "url": url}
	}
	l, err := lr.Logo(ctx)
	if err != nil {
		f.log.Warn("reading the logo for the actor", "err", err)
		return nil
	}
	return map[string]any{"type": "Image", "mediaType": l.MIME, "url": url + "?v=" + strings.Trim(l.ETag, `"`)}
}
