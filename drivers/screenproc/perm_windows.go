//go:build windows

package screenproc

import (
	"fmt"
	"net"

	"golang.org/x/sys/windows"
)

// listenUnix: on Windows the screen connects over loopback TCP with a
// token (docs/windows.md); a unix socket there would carry no group.
func listenUnix(path, _ string) (net.Listener, error) {
	return nil, fmt.Errorf("screenproc: listen %s: unix sockets are not used on Windows; use tcp:127.0.0.1:PORT", path)
}

// protectTokenDir replaces the inherited permissions of dir (under
// %ProgramData%, readable by every user by default) with a protected
// DACL that its files inherit: full control for SYSTEM, Administrators
// and the agent's own account, read for reader (an account or group;
// "" means the Interactive group, i.e. whoever is logged on at the kiosk).
func protectTokenDir(dir, reader string) error {
	readerSID := "IU"
	if reader != "" {
		sid, _, _, err := windows.LookupSID("", reader)
		if err != nil {
			return fmt.Errorf("screenproc: account %q: %w", reader, err)
		}
		readerSID = sid.String()
	}
	self, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return fmt.Errorf("screenproc: own account: %w", err)
	}
	sddl := fmt.Sprintf("D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;%s)(A;OICI;FR;;;%s)", self.User.Sid.String(), readerSID)
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return fmt.Errorf("screenproc: token dir acl: %w", err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("screenproc: token dir acl: %w", err)
	}
	info := windows.SECURITY_INFORMATION(windows.DACL_SECURITY_INFORMATION | windows.PROTECTED_DACL_SECURITY_INFORMATION)
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, info, nil, nil, dacl, nil); err != nil {
		return fmt.Errorf("screenproc: token dir acl %s: %w", dir, err)
	}
	return nil
}

// shareTokenFile: the file inherits the directory's DACL.
func shareTokenFile(string, string) error { return nil }
