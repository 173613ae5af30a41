package backtest

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// Run replays every record read from r under c and reports the
// difference. Records stream through a bounded pipeline — one reader,
// a worker per CPU decoding and replaying batches of lines, and this
// goroutine folding the results in file order — so memory grows with the
// sessions that changed, not with the file, and the report is the same
// whatever the number of workers.
func Run(r io.Reader, c *Candidate) (*Report, error) {
	workers := runtime.GOMAXPROCS(0)
	done := make(chan struct{})
	defer close(done)
	batches := make(chan batch, workers)
	results := make(chan batch, workers)
	readErr := make(chan error, 1)
	go func() { readErr <- readBatches(r, batches, done) }()
	masks := ruleInputs(c.Policy)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := newReader()
			for b := range batches {
				b.replay(c, masks, rd)
				select {
				case results <- b:
				case <-done:
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	rep := newReport()
	if err := rep.fold(results, c); err != nil {
		return nil, err
	}
	if err := <-readErr; err != nil {
		return nil, err
	}
	rep.finish()
	return rep, nil
}

// batchLines is how many lines travel together between the stages.
const batchLines = 256

// batch is consecutive lines of the file and, once replayed, their results.
type batch struct {
	seq   int
	first int     // line number of the first line
	buf   *[]byte // the lines, back to back
	ends  []int   // where each line ends in buf
	out   []replayed
}

// replayed is one line's record (its inputs dropped once decided) and
// what the candidate made of it.
type replayed struct {
	line      int
	rec       Record
	hadInputs bool
	d         Decision
	err       error
}

// Line buffers and result slices go back to these pools once a batch
// is replayed and folded, so the run allocates a few of each, not one
// per line.
var (
	bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512<<10); return &b }}
	outPool = sync.Pool{New: func() any { o := make([]replayed, 0, batchLines); return &o }}
)

// readBatches sends the file's lines in batches; it closes out when done.
func readBatches(r io.Reader, out chan<- batch, done <-chan struct{}) error {
	defer close(out)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	b, line := batch{first: 1, buf: bufPool.Get().(*[]byte)}, 0
	send := func() bool {
		select {
		case out <- b:
			b = batch{seq: b.seq + 1, first: line + 1, buf: bufPool.Get().(*[]byte)}
			return true
		case <-done:
			return false
		}
	}
	for sc.Scan() {
		line++
		*b.buf = append(*b.buf, sc.Bytes()...)
		b.ends = append(b.ends, len(*b.buf))
		if len(b.ends) == batchLines && !send() {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("backtest: read sessions after line %d: %w", line, err)
	}
	if len(b.ends) > 0 {
		send()
	}
	return nil
}

// replay decodes each line with rd and decides it under c (out of scope
// and input-less records are left undecided for fold to count). The
// results keep nothing of the lines, whose buffer goes back to the pool.
func (b *batch) replay(c *Candidate, masks []uint32, rd *reader) {
	out := outPool.Get().(*[]replayed)
	b.out = (*out)[:0]
	start := 0
	for n, end := range b.ends {
		l := (*b.buf)[start:end]
		start = end
		if len(l) == 0 {
			continue
		}
		b.out = append(b.out, replayed{line: b.first + n})
		x := &b.out[len(b.out)-1]
		if err := rd.record(l, &x.rec); err != nil {
			x.err = fmt.Errorf("backtest: sessions line %d: %w", x.line, err)
		} else if c.Covers(x.rec.Site, x.rec.Terminal) && len(x.rec.Inputs) > 0 {
			if x.d, err = rd.decide(c.Policy, masks, x.rec.Inputs); err != nil {
				x.err = fmt.Errorf("backtest: sessions line %d (session %s): %w", x.line, x.rec.Session, err)
			}
		}
		x.hadInputs, x.rec.Inputs = len(x.rec.Inputs) > 0, nil
	}
	*b.buf = (*b.buf)[:0]
	bufPool.Put(b.buf)
	b.buf, b.ends = nil, nil
}

// fold adds the results in file order; the first bad line stops it.
func (rep *Report) fold(results <-chan batch, c *Candidate) error {
	pending, next := map[int]batch{}, 0
	for b := range results {
		pending[b.seq] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for n := range b.out {
				if b.out[n].err != nil {
					return b.out[n].err
				}
				rep.add(&b.out[n], c)
			}
			clear(b.out)
			out := b.out[:0]
			outPool.Put(&out)
		}
	}
	return nil
}
