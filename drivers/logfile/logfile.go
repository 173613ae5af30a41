// Package logfile is a size-rotated log file for tgagent where no journal
// takes its stderr: a Windows service writes its JSON lines to
// %ProgramData%\transferguard\logs\tgagent.log through it.
//
// Rotation: when a write would take the file past MaxBytes, the file is
// closed, tgagent.log.(N-1) becomes .N (the oldest, .Keep, is deleted), the
// current file becomes .1, and a new one is opened. Closing before renaming
// is what lets it work on Windows, where an open file cannot be renamed.
// One Write is never split across files (zerolog writes one line per call).
// A failing rename or open is reported by Write and retried on the next
// write; logging must never stop the agent, so callers drop the error.
//
// Why not lumberjack: it is the usual choice but adds a dependency with
// time-based cleanup and compression we do not need; this is the 100 lines
// the agent uses, tested on Linux and under wine.
package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Writer is a size-rotated file. Safe for concurrent use.
type Writer struct {
	path     string
	maxBytes int64
	keep     int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open creates path's directory and opens path for appending. maxBytes is
// the size at which it rotates (> 0), keep how many old files to keep (≥ 1).
func Open(path string, maxBytes int64, keep int) (*Writer, error) {
	if maxBytes <= 0 || keep < 1 {
		return nil, fmt.Errorf("logfile: maxBytes %d and keep %d must be positive", maxBytes, keep)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("logfile: %w", err)
	}
	w := &Writer{path: path, maxBytes: maxBytes, keep: keep}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Writer) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("logfile: open: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("logfile: stat: %w", err)
	}
	w.f, w.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when p would not fit.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil && w.size > 0 && w.size+int64(len(p)) > w.maxBytes {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	if w.f == nil { // a previous rotation failed to reopen
		if err := w.open(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

// rotate shifts the old files up by one and starts a new file.
func (w *Writer) rotate() error {
	err := w.f.Close()
	w.f = nil
	_ = os.Remove(w.name(w.keep))
	for i := w.keep - 1; i >= 1; i-- {
		if rerr := os.Rename(w.name(i), w.name(i+1)); rerr != nil && !os.IsNotExist(rerr) && err == nil {
			err = rerr
		}
	}
	if rerr := os.Rename(w.path, w.name(1)); rerr != nil && err == nil {
		err = rerr
	}
	if oerr := w.open(); oerr != nil {
		return oerr
	}
	if err != nil {
		return fmt.Errorf("logfile: rotate: %w", err)
	}
	return nil
}

func (w *Writer) name(i int) string { return fmt.Sprintf("%s.%d", w.path, i) }

// Close closes the current file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
