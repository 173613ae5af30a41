package mosquittotest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// listensOn reports whether process pid holds the listening TCP socket on
// port (Linux /proc). A free port picked for one broker can be taken by
// another test's broker before this one binds it; then a successful dial
// reaches the wrong broker and two tests share topics. ok is true when
// /proc cannot tell (nothing to compare against).
func listensOn(pid, port int) (ok bool, err error) {
	inodes, err := listenInodes(port)
	if err != nil || len(inodes) == 0 {
		return true, err
	}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", dir, err)
	}
	for _, fd := range fds {
		if link, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && inodes[link] {
			return true, nil
		}
	}
	return false, nil
}

// listenInodes returns the sockets listening on port, as their fd link
// text ("socket:[inode]").
func listenInodes(port int) (map[string]bool, error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return nil, fmt.Errorf("open /proc/net/tcp: %w", err)
	}
	defer f.Close()
	want := fmt.Sprintf(":%04X", port)
	inodes := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || !strings.HasSuffix(fields[1], want) || fields[3] != "0A" { // 0A: LISTEN
			continue
		}
		if _, err := strconv.Atoi(fields[9]); err == nil {
			inodes["socket:["+fields[9]+"]"] = true
		}
	}
	return inodes, sc.Err()
}
