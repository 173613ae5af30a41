package docstore

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// TestStateDirHoldsNoListedNumber applies a signed watchlist through a
// real state directory, restarts, and scans every file in the directory:
// no listed account or phone number may appear whole as digits
// (CONTRACT §4), while the list is still in force after the restart.
func TestStateDirHoldsNoListedNumber(t *testing.T) {
	accounts := []string{"6217 0000 1234 5678", "6222021234567890123", "622848-0012-3456-7890"}
	phones := []string{"+86 138 0013 8000", "0571-88888888"}
	doc := `{"version":3,"issued":"2026-11-26T09:00:00Z",` +
		`"accounts":["6217 0000 1234 5678","6222021234567890123","622848-0012-3456-7890"],` +
		`"phones":["+86 138 0013 8000","0571-88888888"]}`
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	env, err := dsse.Sign(dsse.TypeWatchlist, []byte(doc), key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := env.Marshal()
	dir := filepath.Join(t.TempDir(), "applied")
	open := func() *remote.Remote {
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		ring, _ := dsse.NewKeyRing(key.Public().(ed25519.PublicKey))
		r, err := remote.New(remote.Options{Keys: ring, Site: "S1", Terminal: "T1", Store: s,
			Clock: clock.NewFake(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)), Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if _, err := open().Offer(remote.WatchlistTopic, raw); err != nil {
		t.Fatal(err)
	}
	r := open()
	if res, rejected, err := r.Load(); err != nil || len(rejected) != 0 || !res.Watchlist.HasAccount(accounts[2]) || !res.Watchlist.HasPhone(phones[1]) {
		t.Fatalf("after restart the list is not in force: %v %v", err, rejected)
	}
	digits := regexp.MustCompile(`[^0-9]`)
	var numbers []string
	for _, n := range append(append([]string{}, accounts...), phones...) {
		numbers = append(numbers, digits.ReplaceAllString(n, ""))
	}
	numbers = append(numbers, "13800138000", "57188888888") // normalised phones
	files := 0
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		onlyDigits := digits.ReplaceAll(b, nil) // also catches "6217 0000 …" split by separators
		for _, n := range numbers {
			if regexp.MustCompile(n).Match(b) || regexp.MustCompile(n).Match(onlyDigits) && len(onlyDigits) < 4096 {
				t.Errorf("%s holds the listed number %s…%s", d.Name(), n[:4], n[len(n)-2:])
			}
		}
		if info, _ := d.Info(); info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", d.Name(), info.Mode().Perm())
		}
		return nil
	})
	if err != nil || files != 2 {
		t.Fatalf("walk: %v; want 2 files (hashes and key), got %d", err, files)
	}
}
