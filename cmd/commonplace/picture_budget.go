package main

import (
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/commonplace-hub/commonplace/hub"
)

// envPictureBudget is the disk space the hub's pictures may take, read by
// serve (as --picture-budget) and by every command that adds pictures.
const envPictureBudget = "COMMONPLACE_PICTURE_BUDGET"

// pictureBudgetUsage is --picture-budget's help.
const pictureBudgetUsage = "the most disk `space` the hub's pictures may take together, such as 500MB or 2GiB;\n0 for no limit (default 1GiB; env " + envPictureBudget + ")"

// parsePictureBudget reads a size such as "1GiB", "500 MB" or "0" (no
// limit, returned as -1); "" is 0, the default (hub.DefaultPictureBudget).
func parsePictureBudget(s string) (int64, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case "0", "none", "unlimited":
		return -1, nil
	}
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > 1<<50 {
		return 0, usagef("the picture budget %q is not a size: write it as 500MB, 2GiB or 0 for no limit", s)
	}
	return int64(n), nil
}

// pictureBudgetOption is the Service option for a budget parsed by
// parsePictureBudget: none for the default.
func pictureBudgetOption(budget int64) []hub.Option {
	if budget == 0 {
		return nil
	}
	return []hub.Option{hub.WithPictureBudget(budget)}
}

// pictureBudget is the budget of a command other than serve: from the
// environment, else the config file.
func (e *env) pictureBudget() (int64, error) {
	v := e.io.getenv(envPictureBudget)
	if v == "" {
		v = e.cfg.PictureBudget
	}
	return parsePictureBudget(v)
}
