package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
)

const listPageSize = 20

// pageNumber reads ?page=, from 1.
func pageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, hub.Errorf(hub.EINVALID, "The page number in this address is not valid.")
	}
	return n, nil
}

// paged is the page of a list that r asks for (?page=) and its pager:
// load answers the items from offset, at most limit of them, and how many
// the whole list has.
func paged[T any](r *http.Request, load func(ctx context.Context, limit, offset int) ([]T, int, error)) ([]T, pager, error) {
	page, err := pageNumber(r)
	if err != nil {
		return nil, pager{}, err
	}
	items, total, err := load(r.Context(), listPageSize, (page-1)*listPageSize)
	if err != nil {
		return nil, pager{}, err
	}
	return items, newPager(page, total), nil
}

// pager is the "newer/older" navigation of a list.
type pager struct {
	Page, Pages, Total int
}

func newPager(page, total int) pager {
	pages := (total + listPageSize - 1) / listPageSize
	if pages == 0 {
		pages = 1
	}
	return pager{Page: page, Pages: pages, Total: total}
}
