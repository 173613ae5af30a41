package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

// reportCmd writes one site's day as a printable HTML page
// (web.DailyReport): tgdispatch report --site S1 --day 2026-12-01 --out r.html.
func reportCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tgdispatch report", flag.ContinueOnError)
	db := fs.String("db", "sqlite:tgdispatch.db", "database: sqlite:PATH or postgres://…")
	site := fs.String("site", "", "site id")
	day := fs.String("day", "", "the day, YYYY-MM-DD in the configuration's timezone")
	out := fs.String("out", "", "write the HTML here; - or empty: stdout")
	config := fs.String("config", "", "tgdispatch's YAML configuration (for its timezone)")
	lang := fs.String("lang", "zh", "report language: zh or en")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *site == "" || *day == "" || fs.NArg() != 0 {
		return usageError{errors.New("report needs --site and --day")}
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return usageError{err}
	}
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return usageError{fmt.Errorf("timezone: %w", err)}
	}
	d, err := time.ParseInLocation(time.DateOnly, *day, loc)
	if err != nil {
		return usageError{fmt.Errorf("--day: %w", err)}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	w := stdout
	if *out != "" && *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		defer f.Close()
		w = f
	}
	if err := web.DailyReport(ctx, w, st, web.DailyOptions{Site: *site, Day: d, Location: loc, Lang: *lang, Made: time.Now()}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if f, ok := w.(*os.File); ok && f != os.Stdout {
		return f.Sync()
	}
	return nil
}
