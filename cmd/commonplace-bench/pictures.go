package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/storage"
)

// The pictures scenario measures what pictures cost readers' pages: the
// real binary serving the guides list with a thumbnail on each of its 20
// guides, beside a second hub with the same guides and no pictures, and
// one picture file (the 400-pixel copy a thumbnail loads) beside a bare
// net/http handler serving the same bytes and headers; under wrk, rounds
// alternating, the figure the ratio of the medians.

// pictureGuides is how many guides each hub lists: one page of the list.
const pictureGuides = 20

var thumbnailSrc = regexp.MustCompile(`<img class="thumbnail" src="(/pictures/[^"]+)"`)

func scenarioPictures(cfg config, rep *report) error {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return fmt.Errorf("the pictures scenario needs wrk (apt install wrk): %w", err)
	}
	var bases [2]string // with pictures, without
	for i, withPictures := range []bool{true, false} {
		binary, dir, _, err := newHub(cfg, "pictures")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := fillGuides(filepath.Join(dir, "commonplace.db"), withPictures); err != nil {
			return fmt.Errorf("adding the guides: %w", err)
		}
		cmd, addr, _, err := startBinary(binary, dir)
		if err != nil {
			return err
		}
		defer stopBinary(cmd)
		bases[i] = "http://" + addr
	}
	page, err := capture(bases[0], "/guides", "")
	if err != nil {
		return err
	}
	plain, err := capture(bases[1], "/guides", "")
	if err != nil {
		return err
	}
	thumbs := thumbnailSrc.FindAllSubmatch(page.body, -1)
	if len(thumbs) != pictureGuides || strings.Contains(string(plain.body), `class="thumbnail"`) {
		return fmt.Errorf("the list shows %d thumbnails, want %d; the one without pictures shows some: %v",
			len(thumbs), pictureGuides, strings.Contains(string(plain.body), `class="thumbnail"`))
	}
	window := wireWindow
	if cfg.wireWindow > 0 {
		window = cfg.wireWindow
	}
	list, err := alternateWrk(wrk, bases[0]+"/guides", bases[1]+"/guides", window)
	if err != nil {
		return err
	}
	addWrkFigures(rep, "guides list with 20 thumbnails", list, fmt.Sprintf("the same list without pictures %.0f req/s", list.ref.rps), 0.90, window)

	file := string(thumbs[0][1])
	pic, err := capture(bases[0], file, "")
	if err != nil {
		return err
	}
	bareBase, stop, err := serveLoopback(bareHandler(map[string]captured{file: pic}))
	if err != nil {
		return err
	}
	defer stop()
	served, err := alternateWrk(wrk, bases[0]+file, bareBase+file, window)
	if err != nil {
		return err
	}
	addWrkFigures(rep, fmt.Sprintf("picture file (%d KB)", len(pic.body)>>10), served, fmt.Sprintf("bare net/http %.0f req/s", served.ref.rps), 0.85, window)
	return nil
}

// wrkPair is the medians of alternating wrk rounds on a target and its
// reference, and the target's errors over all its rounds.
type wrkPair struct {
	hub, ref wrkResult
	errors   int
}

// alternateWrk loads target and reference with wrk, wireRounds rounds each,
// taking turns.
func alternateWrk(wrk, target, reference string, window time.Duration) (wrkPair, error) {
	var hubRuns, refRuns []wrkResult
	var p wrkPair
	for range wireRounds {
		h, err := runWrk(wrk, target, "", window)
		if err != nil {
			return p, err
		}
		r, err := runWrk(wrk, reference, "", window)
		if err != nil {
			return p, err
		}
		hubRuns, refRuns = append(hubRuns, h), append(refRuns, r)
		p.errors += h.errors
	}
	p.hub, p.ref = medianWrk(hubRuns), medianWrk(refRuns)
	return p, nil
}

// addWrkFigures reports one alternating comparison.
func addWrkFigures(rep *report, name string, p wrkPair, reference string, target float64, window time.Duration) {
	ratio := p.hub.rps / p.ref.rps
	rep.add(figure{Scenario: "pictures", Name: name + " req/s (real binary, wrk)", Value: p.hub.rps, Unit: "req/s", Reference: reference})
	rep.add(figure{Scenario: "pictures", Name: name + " ratio (real binary, wrk)", Value: ratio, Unit: "×",
		Reference: fmt.Sprintf("median of %d alternating %s rounds, %d connections", wireRounds, window, wireConnections),
		Target:    fmt.Sprintf("≥ %.2f", target), Met: met(ratio >= target)})
	rep.add(figure{Scenario: "pictures", Name: name + " p99 (real binary, wrk)", Value: ms(p.hub.p99), Unit: "ms",
		Reference: fmt.Sprintf("reference %.2f ms", ms(p.ref.p99))})
	rep.add(figure{Scenario: "pictures", Name: name + " errors (real binary, wrk)", Value: float64(p.errors), Unit: "", Target: "0", Met: met(p.errors == 0)})
}

// fillGuides adds pictureGuides guides to the hub's database, each with a
// phone-sized photo when withPictures (processed as an upload is).
func fillGuides(path string, withPictures bool) error {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := hub.NewService(db.Stores(), slog.New(slog.NewTextHandler(io.Discard, nil)), hub.WithPictureBudget(0))
	host := hub.HostContext(ctx)
	for i := range pictureGuides {
		g := &hub.Guide{Title: fmt.Sprintf("Running a repair café, part %d", i+1), Summary: "What to bring, who to ask, and how to keep it going.",
			Body: "## Before\n\nBook the room and find two fixers.", Tags: []string{"repair"}}
		if err := svc.CreateGuide(host, g); err != nil {
			return err
		}
		if !withPictures {
			continue
		}
		up := hub.PictureUpload{Data: picturetest.Photo(1600+i, 1200), Alt: fmt.Sprintf("Volunteers at repair table %d", i+1)}
		if _, err := svc.SetPicture(host, hub.OwnerGuide, g.ID, up); err != nil {
			return err
		}
	}
	return nil
}
